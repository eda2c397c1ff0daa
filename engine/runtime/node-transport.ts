/**
 * The Transport port over real Node sockets (RFC 3261 §18): a set of UDP sockets and TCP listeners
 * opened from listen specs, one TCP connection table, and the hooks the transport layer is fed by.
 */
import type { InboundPacket, OutboundPacket, SocketAddress, Transport, TransportFailure, TransportProtocol } from '../ports/transport';
import type { ListenPoint } from '../transport/listen-point';
import { sameHost } from '../transport/address';
import { parseListenSpec, type ListenSpec } from './listen-spec';
import { TcpConnectionTable } from './tcp-connection-table';
import { TcpListener } from './tcp-listener';
import { UdpSocket } from './udp-socket';

export interface NodeTransportOptions {
  /** Listen specs: `udp:127.0.0.1:5060`, `tcp:[::1]:0`, `udp:0.0.0.0:5060 as 203.0.113.5`. */
  readonly listen: readonly string[];
  /** Default 120 000 (OpenSIPS's tcp_connection_lifetime is 120 s). */
  readonly tcpIdleTimeoutMs?: number;
  /** Default 10 000. */
  readonly tcpConnectTimeoutMs?: number;
}

export class NodeTransportError extends Error {
  constructor(readonly code: 'bad-listen-spec' | 'bad-option' | 'bind-failed' | 'no-handler', message: string) {
    super(message);
    this.name = 'NodeTransportError';
  }
}

type FailureListener = (failure: TransportFailure, packet: OutboundPacket) => void;

export class NodeTransport implements Transport {
  private receiveHandler: ((packet: InboundPacket) => void) | undefined;
  private closedHandler: ((connectionId: string) => void) | undefined;
  private failureListener: FailureListener | undefined;
  private readonly udpSockets: UdpSocket[] = [];
  private readonly tcpListeners: TcpListener[] = [];
  private readonly table: TcpConnectionTable;
  private points: ListenPoint[] = [];
  private readonly autoPorts = new Set<ListenPoint>();
  private closePromise: Promise<void> | undefined;

  private constructor(options: NodeTransportOptions) {
    const idleTimeoutMs = options.tcpIdleTimeoutMs ?? 120_000;
    const connectTimeoutMs = options.tcpConnectTimeoutMs ?? 10_000;
    for (const [name, value] of [['tcpIdleTimeoutMs', idleTimeoutMs], ['tcpConnectTimeoutMs', connectTimeoutMs]] as const) {
      if (!Number.isInteger(value) || value <= 0) throw new NodeTransportError('bad-option', `${name} must be a positive integer of milliseconds, got ${value}`);
    }
    this.table = new TcpConnectionTable({
      onData: (connectionId, data, source, local) => this.deliver({ protocol: 'tcp', local, source, connectionId, data }),
      onClosed: (connectionId) => this.closedHandler?.(connectionId),
      onFailure: (kind, detail, packet) => this.fail({ kind, destination: packet.destination, detail }, packet),
    }, { idleTimeoutMs, connectTimeoutMs });
  }

  /** Binds every spec (all or nothing: on a bind error the ones already open are closed again). */
  static async open(options: NodeTransportOptions): Promise<NodeTransport> {
    const specs: ListenSpec[] = [];
    for (const text of options.listen) {
      const parsed = parseListenSpec(text);
      if (!parsed.ok) throw new NodeTransportError('bad-listen-spec', `${parsed.code}: ${parsed.reason}`);
      specs.push(parsed.spec);
    }
    if (specs.length === 0) throw new NodeTransportError('bad-listen-spec', 'at least one listen spec is needed');
    const transport = new NodeTransport(options);
    try {
      for (const spec of specs) await transport.bind(spec);
    } catch (error) {
      await transport.close();
      throw new NodeTransportError('bind-failed', `binding ${describe(specs[transport.points.length]!)}: ${(error as Error).message}`);
    }
    return transport;
  }

  /** The bound sockets with their actual ports, ready for the transport layer's `listen` option. */
  get listenPoints(): readonly ListenPoint[] {
    return this.points;
  }

  /** Open TCP connections (tests check reuse and cleanup with it). */
  get connectionCount(): number {
    return this.table.size;
  }

  /** The one receiver of inbound packets (the transport layer's `receive`). */
  onReceive(handler: (packet: InboundPacket) => void): void {
    this.receiveHandler = handler;
  }

  /** Told when a stream connection ends, so per-connection framing state can go. */
  onConnectionClosed(handler: (connectionId: string) => void): void {
    this.closedHandler = handler;
  }

  onFailure(listener: FailureListener): void {
    this.failureListener = listener;
  }

  isReliable(protocol: TransportProtocol): boolean {
    return protocol !== 'udp';
  }

  send(packet: OutboundPacket): void {
    switch (packet.protocol) {
      case 'udp': {
        const socket = this.udpSocketFor(packet);
        if (socket === undefined) {
          queueMicrotask(() => this.fail({ kind: 'unreachable', destination: packet.destination, detail: 'no UDP socket of that address family' }, packet));
          return;
        }
        socket.send(packet.data, packet.destination, (kind, detail) => this.fail({ kind, destination: packet.destination, detail }, packet));
        return;
      }
      case 'tcp':
        this.table.send(packet);
        return;
      case 'tls':
      case 'ws':
      case 'wss':
        queueMicrotask(() => this.fail({ kind: 'unreachable', destination: packet.destination, detail: `${packet.protocol} is not supported by this runtime` }, packet));
        return;
      default: {
        const never: never = packet.protocol;
        throw new Error(`unknown protocol ${String(never)}`);
      }
    }
  }

  closeConnection(connectionId: string): void {
    this.table.close(connectionId);
  }

  /** Closes every socket and connection this transport opened; safe to call twice. */
  close(): Promise<void> {
    this.closePromise ??= Promise.all([
      this.table.closeAll(),
      ...this.tcpListeners.map((l) => l.close()),
      ...this.udpSockets.map((s) => s.close()),
    ]).then(() => undefined);
    return this.closePromise;
  }

  /**
   * A port-0 spec on a host where a port-0 spec of the other protocol already got a port tries that
   * same port first, so `udp:127.0.0.1:0` + `tcp:127.0.0.1:0` share one number as 5060 would
   * (a UDP request switched to TCP by §18.1.1 goes to the same port).
   */
  private async bind(spec: ListenSpec): Promise<void> {
    const sibling = spec.port === 0
      ? this.points.find((p) => p.protocol !== spec.protocol && p.local.host === spec.host && this.autoPorts.has(p))
      : undefined;
    let local: SocketAddress | undefined;
    if (sibling !== undefined) {
      local = await this.bindOne({ ...spec, port: sibling.local.port }).catch(() => undefined);
    }
    local ??= await this.bindOne(spec);
    this.points.push({
      protocol: spec.protocol,
      local,
      advertised: { host: spec.advertisedHost ?? spec.host, port: spec.advertisedPort ?? local.port },
    });
    if (spec.port === 0) this.autoPorts.add(this.points[this.points.length - 1]!);
  }

  private async bindOne(spec: ListenSpec): Promise<SocketAddress> {
    return spec.protocol === 'udp' ? (await this.bindUdp(spec)).local : (await this.bindTcp(spec)).local;
  }

  private async bindUdp(spec: ListenSpec): Promise<UdpSocket> {
    const socket = await UdpSocket.bind(spec.host, spec.port, spec.family, (data, source, local) => {
      this.deliver({ protocol: 'udp', local, source, data });
    });
    this.udpSockets.push(socket);
    return socket;
  }

  private async bindTcp(spec: ListenSpec): Promise<TcpListener> {
    const listener = await TcpListener.listen(spec.host, spec.port, spec.family, this.table);
    this.tcpListeners.push(listener);
    return listener;
  }

  /** The socket bound to `packet.local`, else the first of the destination's family. */
  private udpSocketFor(packet: OutboundPacket): UdpSocket | undefined {
    const wanted = packet.local;
    if (wanted !== undefined) {
      const exact = this.udpSockets.find((s) => s.local.port === wanted.port && sameHost(s.local.host, wanted.host));
      if (exact !== undefined) return exact;
    }
    const v6 = packet.destination.host.indexOf(':') >= 0;
    return this.udpSockets.find((s) => (s.local.host.indexOf(':') >= 0) === v6);
  }

  private deliver(packet: InboundPacket): void {
    if (this.receiveHandler === undefined) throw new NodeTransportError('no-handler', 'a packet arrived before onReceive was called');
    this.receiveHandler(packet);
  }

  private fail(failure: TransportFailure, packet: OutboundPacket): void {
    this.failureListener?.(failure, packet);
  }
}

function describe(spec: ListenSpec): string {
  const host = spec.family === 6 ? `[${spec.host}]` : spec.host;
  return `${spec.protocol}:${host}:${spec.port}`;
}
