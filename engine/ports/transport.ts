/** Transport port: how bytes leave the engine; bytes arrive by the socket owner calling the engine. */

export type TransportProtocol = 'udp' | 'tcp' | 'tls' | 'ws' | 'wss';

export interface SocketAddress {
  /** IPv4 dotted quad or IPv6 without brackets. */
  readonly host: string;
  readonly port: number;
}

/** One datagram or stream chunk the engine wants sent. */
export interface OutboundPacket {
  readonly protocol: TransportProtocol;
  /** The local socket to send from (a listen address); undefined lets the runtime choose. */
  readonly local?: SocketAddress;
  readonly destination: SocketAddress;
  /** For stream transports: reuse this connection if it is still open (RFC 3261 §18.2.2). */
  readonly connectionId?: string;
  readonly data: Uint8Array;
}

/** What the socket owner hands the engine with every received message. */
export interface InboundPacket {
  readonly protocol: TransportProtocol;
  readonly local: SocketAddress;
  readonly source: SocketAddress;
  /** Set for stream transports: the connection the bytes came on. */
  readonly connectionId?: string;
  readonly data: Uint8Array;
}

export type TransportErrorKind = 'unreachable' | 'connection-refused' | 'connection-closed' | 'too-large';

export interface TransportFailure {
  readonly kind: TransportErrorKind;
  readonly destination: SocketAddress;
  readonly detail: string;
}

export interface Transport {
  /**
   * Queues a packet. Never throws for network conditions: a failure is reported
   * later through the `onFailure` callback the engine registered, so the
   * synchronous state machines never await (DESIGN.md, Concurrency).
   */
  send(packet: OutboundPacket): void;
  /** The engine registers one listener for asynchronous send failures (ICMP, refused connects). */
  onFailure(listener: (failure: TransportFailure, packet: OutboundPacket) => void): void;
  /** Whether sends on this protocol are reliable (TCP, TLS, WS): Timers A/E/G are not used then. */
  isReliable(protocol: TransportProtocol): boolean;
  /**
   * Closes one stream connection (the transport layer asks after a framing error, §18.3).
   * Optional: a port without streams need not offer it.
   */
  closeConnection?(connectionId: string): void;
}
