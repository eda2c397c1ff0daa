/** Simulated stream connections (TCP/TLS/WS): reliable, in order, reused per RFC 3261 §18 by remote address. */
import type { SocketAddress, TransportProtocol } from '../engine/ports/transport';

export interface ConnectionEnd {
  readonly hostName: string;
  readonly address: SocketAddress;
  /** The host's incarnation when the connection opened: a crash kills the connection. */
  readonly incarnation: number;
}

export interface SimConnection {
  readonly id: string;
  readonly protocol: TransportProtocol;
  /** The end that connected. */
  readonly a: ConnectionEnd;
  /** The end that accepted. */
  readonly b: ConnectionEnd;
  open: boolean;
  /** Latest arrival time scheduled in each direction (a->b, b->a): later sends never overtake. */
  readonly lastArrivalMs: [number, number];
}

export function sameAddress(x: SocketAddress, y: SocketAddress): boolean {
  return x.port === y.port && x.host === y.host;
}

function reuseKey(hostName: string, protocol: TransportProtocol, remote: SocketAddress): string {
  return `${hostName}|${protocol}|${remote.host}|${remote.port}`;
}

export class ConnectionTable {
  private readonly byId = new Map<string, SimConnection>();
  private readonly byRemote = new Map<string, SimConnection>();
  private nextId = 1;

  open(protocol: TransportProtocol, a: ConnectionEnd, b: ConnectionEnd): SimConnection {
    const conn: SimConnection = { id: `${protocol}-${this.nextId++}`, protocol, a, b, open: true, lastArrivalMs: [0, 0] };
    this.byId.set(conn.id, conn);
    this.byRemote.set(reuseKey(a.hostName, protocol, b.address), conn);
    this.byRemote.set(reuseKey(b.hostName, protocol, a.address), conn);
    return conn;
  }

  get(id: string): SimConnection | undefined {
    return this.byId.get(id);
  }

  /** An open connection from `hostName` to `remote`, to reuse. */
  find(hostName: string, protocol: TransportProtocol, remote: SocketAddress): SimConnection | undefined {
    const conn = this.byRemote.get(reuseKey(hostName, protocol, remote));
    return conn !== undefined && conn.open ? conn : undefined;
  }

  close(conn: SimConnection): void {
    if (!conn.open) return;
    conn.open = false;
    this.byId.delete(conn.id);
    for (const [end, other] of [[conn.a, conn.b], [conn.b, conn.a]] as const) {
      const key = reuseKey(end.hostName, conn.protocol, other.address);
      if (this.byRemote.get(key) === conn) this.byRemote.delete(key);
    }
  }

  /** Closes every connection touching `hostName` (it crashed) and returns them. */
  closeAllOf(hostName: string): SimConnection[] {
    const closed = [...this.byId.values()].filter((c) => c.a.hostName === hostName || c.b.hostName === hostName);
    for (const conn of closed) this.close(conn);
    return closed;
  }

  /** Which end of `conn` is sending when `hostName` sends to `destination`. */
  senderSide(conn: SimConnection, hostName: string, destination: SocketAddress): 0 | 1 | undefined {
    if (conn.a.hostName === hostName && sameAddress(conn.b.address, destination)) return 0;
    if (conn.b.hostName === hostName && sameAddress(conn.a.address, destination)) return 1;
    if (conn.a.hostName === hostName && conn.b.hostName !== hostName) return 0;
    if (conn.b.hostName === hostName && conn.a.hostName !== hostName) return 1;
    return undefined;
  }
}
