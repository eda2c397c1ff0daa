/**
 * One bound UDP socket (RFC 3261 §18 over UDP): receives datagrams and sends them from the bound port.
 * ICMP port-unreachable is not visible here: Linux reports it only on connected UDP sockets, and a SIP
 * socket talks to many peers, so it stays unconnected. Send errors the kernel reports at once (no
 * route, message too large) do reach the failure callback; silent loss is left to Timers B/F.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { SocketAddress, TransportErrorKind } from '../ports/transport';
import { errorDetail, failureKind, normalizeAddress } from './socket-errors';

/** Receive and send buffer size asked of the kernel for every SIP UDP socket. */
export const UDP_BUFFER_BYTES = 4 * 1024 * 1024;

export type DatagramHandler = (data: Buffer, source: SocketAddress, local: SocketAddress) => void;
export type SendErrorHandler = (kind: TransportErrorKind, detail: string) => void;

export class UdpSocket {
  private closed = false;

  private constructor(private readonly socket: Socket, readonly local: SocketAddress) {}

  static bind(host: string, port: number, family: 4 | 6, onDatagram: DatagramHandler): Promise<UdpSocket> {
    return new Promise((resolve, reject) => {
      const socket = createSocket({ type: family === 6 ? 'udp6' : 'udp4', ipv6Only: family === 6 });
      const onBindError = (error: Error): void => {
        socket.close();
        reject(error);
      };
      socket.once('error', onBindError);
      socket.bind(port, host, () => {
        socket.off('error', onBindError);
        // The kernel's default receive buffer (~208 KB) overflows during a few hundred ms of event-loop
        // stall at a few hundred calls/s, and every lost datagram costs a retransmission or a call.
        // The kernel caps the request at net.core.rmem_max; a refusal leaves the default in place.
        try {
          socket.setRecvBufferSize(UDP_BUFFER_BYTES);
          socket.setSendBufferSize(UDP_BUFFER_BYTES);
        } catch {
          // keep the default size
        }
        const bound = socket.address();
        const local: SocketAddress = { host, port: bound.port };
        // A bound socket's later errors belong to individual sends; they are reported there.
        socket.on('error', () => undefined);
        socket.on('message', (data, rinfo) => {
          onDatagram(data, { host: normalizeAddress(rinfo.address), port: rinfo.port }, local);
        });
        resolve(new UdpSocket(socket, local));
      });
    });
  }

  /** The receive buffer the kernel granted (Linux reports twice the usable size). */
  get recvBufferBytes(): number {
    return this.socket.getRecvBufferSize();
  }

  send(data: Uint8Array, destination: SocketAddress, onError: SendErrorHandler): void {
    if (this.closed) {
      queueMicrotask(() => onError('unreachable', 'socket closed'));
      return;
    }
    this.socket.send(data, destination.port, destination.host, (error) => {
      if (error) onError(failureKind(error), errorDetail(error));
    });
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
