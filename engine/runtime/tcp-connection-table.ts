/**
 * The TCP connection table (RFC 3261 §18.1.1, §18.2.2, §18.3): every open connection, inbound or
 * outbound, by id and by remote address; connects on demand, closes idle connections, and reports
 * connect and write failures with the packet that could not go out.
 */
import { connect, type Socket } from 'node:net';
import type { OutboundPacket, SocketAddress, TransportErrorKind } from '../ports/transport';
import { addressFamily } from '../transport/address';
import { errorDetail, failureKind, normalizeAddress } from './socket-errors';

export interface TcpTableEvents {
  onData(connectionId: string, data: Buffer, source: SocketAddress, local: SocketAddress): void;
  onClosed(connectionId: string): void;
  onFailure(kind: TransportErrorKind, detail: string, packet: OutboundPacket): void;
}

export interface TcpTableOptions {
  /** A connection with no traffic for this long is closed (OpenSIPS tcp_connection_lifetime). */
  readonly idleTimeoutMs: number;
  /** An outgoing connect that takes longer fails as unreachable. */
  readonly connectTimeoutMs: number;
}

interface Connection {
  readonly id: string;
  readonly socket: Socket;
  readonly remote: SocketAddress;
  local: SocketAddress;
  connected: boolean;
  /** Packets written before the connect completed: reported if the connect fails. */
  pending: OutboundPacket[];
}

export class TcpConnectionTable {
  private readonly byId = new Map<string, Connection>();
  private readonly byRemote = new Map<string, string>();
  private nextId = 1;
  private closing = false;

  constructor(private readonly events: TcpTableEvents, private readonly options: TcpTableOptions) {}

  get size(): number {
    return this.byId.size;
  }

  has(connectionId: string): boolean {
    return this.byId.has(connectionId);
  }

  /** Takes over a connection a listener accepted. */
  adopt(socket: Socket): string {
    const remote = { host: normalizeAddress(socket.remoteAddress ?? ''), port: socket.remotePort ?? 0 };
    const local = { host: normalizeAddress(socket.localAddress ?? ''), port: socket.localPort ?? 0 };
    const connection = this.register(socket, remote, local, true);
    socket.setTimeout(this.options.idleTimeoutMs);
    return connection.id;
  }

  /** Sends on the named connection if it is open, else on any open one to the destination, else connects (§18.2.2). */
  send(packet: OutboundPacket): void {
    if (this.closing) {
      queueMicrotask(() => this.events.onFailure('connection-closed', 'transport is closing', packet));
      return;
    }
    let connection = packet.connectionId !== undefined ? this.byId.get(packet.connectionId) : undefined;
    if (connection === undefined || connection.socket.destroyed) {
      const id = this.byRemote.get(remoteKey(packet.destination));
      connection = id !== undefined ? this.byId.get(id) : undefined;
    }
    if (connection === undefined || connection.socket.destroyed) connection = this.open(packet);
    this.write(connection, packet);
  }

  close(connectionId: string): void {
    this.byId.get(connectionId)?.socket.destroy();
  }

  closeAll(): Promise<void> {
    this.closing = true;
    const waits: Promise<void>[] = [];
    for (const connection of this.byId.values()) {
      waits.push(new Promise((resolve) => {
        if (connection.socket.closed) resolve();
        else connection.socket.once('close', () => resolve());
      }));
      connection.socket.destroy();
    }
    return Promise.all(waits).then(() => undefined);
  }

  private open(packet: OutboundPacket): Connection {
    const family = addressFamily(packet.destination.host) ?? 4;
    const localHost = packet.local?.host;
    const bindLocal = localHost !== undefined && addressFamily(localHost) === family && localHost !== '0.0.0.0' && localHost !== '::';
    const socket = connect({
      host: packet.destination.host,
      port: packet.destination.port,
      family,
      ...(bindLocal ? { localAddress: localHost } : {}),
    });
    socket.setNoDelay(true);
    socket.setTimeout(this.options.connectTimeoutMs);
    const connection = this.register(socket, packet.destination, { host: localHost ?? '', port: 0 }, false);
    socket.once('connect', () => {
      connection.connected = true;
      connection.pending = [];
      connection.local = { host: normalizeAddress(socket.localAddress ?? ''), port: socket.localPort ?? 0 };
      socket.setTimeout(this.options.idleTimeoutMs);
    });
    return connection;
  }

  private register(socket: Socket, remote: SocketAddress, local: SocketAddress, connected: boolean): Connection {
    const id = `tcp-${this.nextId++}`;
    const connection: Connection = { id, socket, remote, local, connected, pending: [] };
    const key = remoteKey(remote);
    this.byId.set(id, connection);
    this.byRemote.set(key, id);
    socket.on('data', (data: Buffer) => this.events.onData(id, data, connection.remote, connection.local));
    socket.on('timeout', () => {
      const error = Object.assign(new Error(connection.connected ? 'idle timeout' : 'connect timeout'), { code: 'ETIMEDOUT' });
      socket.destroy(connection.connected ? undefined : error);
    });
    socket.on('error', (error: Error) => {
      // Before the connect completed, every packet written so far is lost: report each (§18.4).
      const lost = connection.pending;
      connection.pending = [];
      for (const packet of lost) this.events.onFailure(failureKind(error), errorDetail(error), packet);
    });
    socket.on('close', () => {
      this.byId.delete(id);
      if (this.byRemote.get(key) === id) this.byRemote.delete(key);
      this.events.onClosed(id);
    });
    return connection;
  }

  private write(connection: Connection, packet: OutboundPacket): void {
    if (!connection.connected) {
      connection.pending.push(packet);
      connection.socket.write(packet.data);
      return;
    }
    connection.socket.write(packet.data, (error) => {
      if (error) this.events.onFailure('connection-closed', errorDetail(error), packet);
    });
  }
}

function remoteKey(address: SocketAddress): string {
  return `${address.host.toLowerCase()}|${address.port}`;
}
