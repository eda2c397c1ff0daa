/** The simulated network: routes packets between hosts over directed links with faults, partitions and holds (DESIGN.md, Simulator; datagrams vs streams as RFC 3261 §18 sees them). */
import type { OutboundPacket, SocketAddress, TransportFailure, TransportProtocol } from '../engine/ports/transport';
import type { SimScheduler } from './event-queue';
import type { SimHost } from './host';
import { DEFAULT_LINK, datagramFate, sampleDelayMs, validateLink, type LinkSpec } from './link';
import type { SeededRandom } from './prng';
import type { PacketSink } from './sim-transport';
import { ConnectionTable, type SimConnection } from './stream-connections';
import { firstLine, type Trace } from './trace';
import { SimulationError } from './errors';
import { LinkFaults, pathKey, type DirectionOptions, type DropRule } from './link-faults';

export interface NetworkEnvironment {
  readonly scheduler: SimScheduler;
  readonly trace: Trace;
  forkRandom(label: string): SeededRandom;
  host(name: string): SimHost | undefined;
}

export interface NetworkStats {
  sent: number;
  delivered: number;
  duplicated: number;
  reordered: number;
  held: number;
  dropped: Record<string, number>;
}

const linkKey = pathKey;
const listenKey = (protocol: TransportProtocol, host: string, port: number): string => `${protocol}|${host}|${port}`;
const isIpv6 = (host: string): boolean => host.includes(':');

export function endpoint(hostName: string, address: SocketAddress): string {
  return isIpv6(address.host) ? `${hostName}@[${address.host}]:${address.port}` : `${hostName}@${address.host}:${address.port}`;
}

export class Network implements PacketSink {
  private defaultLink: LinkSpec = DEFAULT_LINK;
  private readonly linkOverrides = new Map<string, LinkSpec>();
  private readonly linkRandoms = new Map<string, SeededRandom>();
  /** Latest arrival of an in-order datagram per directed link, so jitter alone never reorders. */
  private readonly fifoArrivalMs = new Map<string, number>();
  /** Partitions and holds: tests call `network.faults.partition(…)` and friends. */
  readonly faults: LinkFaults;
  private readonly listeners = new Map<string, string>();
  private readonly addressOwners = new Map<string, string>();
  readonly connections = new ConnectionTable();
  readonly stats: NetworkStats = { sent: 0, delivered: 0, duplicated: 0, reordered: 0, held: 0, dropped: {} };

  constructor(private readonly env: NetworkEnvironment) {
    this.faults = new LinkFaults(env.scheduler);
  }

  register(host: SimHost): void {
    for (const address of host.spec.addresses) {
      if (this.addressOwners.has(address)) throw new SimulationError('SIM_CONFIG', `address ${address} is used twice`, undefined);
      this.addressOwners.set(address, host.name);
    }
    for (const lp of host.listenPoints) {
      if (this.addressOwners.get(lp.host) !== host.name) {
        throw new SimulationError('SIM_CONFIG', `host ${host.name} listens on ${lp.host}, which is not its address`, undefined);
      }
      this.listeners.set(listenKey(lp.protocol, lp.host, lp.port), host.name);
    }
  }

  /** Changes the link every pair uses unless overridden. */
  setDefaultLink(spec: Partial<LinkSpec>): void {
    this.defaultLink = validateLink({ ...this.defaultLink, ...spec });
  }

  /** Overrides the link `from -> to` (and `to -> from` unless oneWay) on top of the default. */
  setLink(from: string, to: string, spec: Partial<LinkSpec>, options: DirectionOptions = {}): void {
    for (const [a, b] of this.directions(from, to, options)) {
      this.linkOverrides.set(linkKey(a, b), validateLink({ ...this.link(a, b), ...spec }));
    }
  }

  link(from: string, to: string): LinkSpec {
    return this.linkOverrides.get(linkKey(from, to)) ?? this.defaultLink;
  }

  /** See LinkFaults.dropMatching; here for reading tests as sentences. */
  dropMatching(match: DropRule['match'], times = 1): DropRule {
    return this.faults.dropMatching(match, times);
  }

  /** Cuts `host` off from every other registered host, both ways. */
  isolate(hostName: string): void {
    for (const other of new Set(this.addressOwners.values())) if (other !== hostName) this.faults.partition(hostName, other);
  }

  send(hostName: string, incarnation: number, packet: OutboundPacket): void {
    const host = this.env.host(hostName);
    if (host === undefined || host.state !== 'up' || host.incarnation !== incarnation) return;
    this.stats.sent++;
    if (packet.protocol === 'udp') this.sendDatagram(host, packet);
    else this.sendStream(host, packet);
  }

  closeConnection(hostName: string, connectionId: string): void {
    const conn = this.connections.get(connectionId);
    if (conn !== undefined && (conn.a.hostName === hostName || conn.b.hostName === hostName)) this.connections.close(conn);
  }

  /** A crashed host's connections die with it. */
  hostCrashed(hostName: string): void {
    this.connections.closeAllOf(hostName);
  }

  private sendDatagram(host: SimHost, packet: OutboundPacket): void {
    const local = packet.local ?? this.defaultLocal(host, 'udp', packet.destination);
    const from = endpoint(host.name, local);
    const targetName = this.listeners.get(listenKey('udp', packet.destination.host, packet.destination.port));
    const ownerName = this.addressOwners.get(packet.destination.host);
    if (targetName === undefined) {
      const to = endpoint(ownerName ?? '?', packet.destination);
      // An address nobody owns is a black hole; a closed port on a live host answers ICMP port unreachable.
      if (ownerName === undefined || this.env.host(ownerName)?.state !== 'up') return this.drop(packet, from, to, 'no-route');
      this.drop(packet, from, to, 'no-listener');
      return this.failLater(host, ownerName, packet, { kind: 'unreachable', destination: packet.destination, detail: 'ICMP port unreachable (simulated)' });
    }
    const target = this.env.host(targetName) as SimHost;
    const to = endpoint(targetName, packet.destination);
    if (this.faults.dropByRule(packet, host.name, targetName)) return this.drop(packet, from, to, 'filter');
    const key = linkKey(host.name, targetName);
    const fate = datagramFate(this.link(host.name, targetName), packet.data.length, this.linkRandom(host.name, targetName));
    if (fate.kind === 'drop') return this.drop(packet, from, to, fate.reason);
    const now = this.env.scheduler.nowMs;
    const srcIncarnation = host.incarnation;
    const dstIncarnation = target.incarnation;
    fate.delaysMs.forEach((delayMs, i) => {
      let arrival = now + delayMs;
      if (fate.fifo[i]) {
        arrival = Math.max(arrival, this.fifoArrivalMs.get(key) ?? 0);
        this.fifoArrivalMs.set(key, arrival);
      } else this.stats.reordered++;
      if (i > 0) this.stats.duplicated++;
      const deliver = (): void => {
        if (!this.endAlive(host.name, srcIncarnation) || !this.endAlive(targetName, dstIncarnation)) return this.drop(packet, from, to, 'crashed');
        if (this.faults.isBlocked(host.name, targetName)) return this.drop(packet, from, to, 'partition');
        if (this.holdIfHeld(host.name, targetName, deliver, packet, from, to)) return;
        this.deliver(target, packet, from, to, { protocol: 'udp', local: packet.destination, source: local, data: packet.data });
      };
      this.env.scheduler.at(arrival, `deliver udp ${from}->${to}`, deliver);
    });
  }

  private sendStream(host: SimHost, packet: OutboundPacket): void {
    const conn = this.streamFor(host, packet);
    if (conn === undefined) return;
    const side = this.connections.senderSide(conn, host.name, packet.destination) as 0 | 1;
    const [src, dst] = side === 0 ? [conn.a, conn.b] : [conn.b, conn.a];
    const from = endpoint(src.hostName, src.address);
    const to = endpoint(dst.hostName, dst.address);
    const delayMs = sampleDelayMs(this.link(src.hostName, dst.hostName), this.linkRandom(src.hostName, dst.hostName));
    const arrival = Math.max(this.env.scheduler.nowMs + delayMs, conn.lastArrivalMs[side]);
    conn.lastArrivalMs[side] = arrival;
    const deliver = (): void => {
      if (!conn.open) return this.drop(packet, from, to, 'closed');
      if (!this.endAlive(src.hostName, src.incarnation) || !this.endAlive(dst.hostName, dst.incarnation)) {
        this.connections.close(conn);
        return this.drop(packet, from, to, 'crashed');
      }
      if (this.faults.isBlocked(src.hostName, dst.hostName)) {
        // A stream never loses data silently: a cut path ends the connection and the sender hears of it.
        this.connections.close(conn);
        this.drop(packet, from, to, 'partition');
        return this.fail(src.hostName, src.incarnation, packet, { kind: 'connection-closed', destination: packet.destination, detail: `${conn.id} lost (partition)` });
      }
      if (this.holdIfHeld(src.hostName, dst.hostName, deliver, packet, from, to)) return;
      const target = this.env.host(dst.hostName) as SimHost;
      this.deliver(target, packet, from, to, { protocol: conn.protocol, local: dst.address, source: src.address, connectionId: conn.id, data: packet.data });
    };
    this.env.scheduler.at(arrival, `deliver ${conn.id} ${from}->${to}`, deliver);
  }

  /** The open connection to use, or a new one; undefined (after reporting) when none can open. */
  private streamFor(host: SimHost, packet: OutboundPacket): SimConnection | undefined {
    const byId = packet.connectionId === undefined ? undefined : this.connections.get(packet.connectionId);
    if (byId !== undefined && byId.open && this.connections.senderSide(byId, host.name, packet.destination) !== undefined) return byId;
    const reused = this.connections.find(host.name, packet.protocol, packet.destination);
    if (reused !== undefined) return reused;
    const targetName = this.listeners.get(listenKey(packet.protocol, packet.destination.host, packet.destination.port));
    const target = targetName === undefined ? undefined : this.env.host(targetName);
    const local = packet.local ?? this.defaultLocal(host, packet.protocol, packet.destination);
    const from = endpoint(host.name, local);
    if (target === undefined || target.state !== 'up') {
      this.drop(packet, from, endpoint(targetName ?? '?', packet.destination), 'refused');
      this.failLater(host, targetName, packet, { kind: 'connection-refused', destination: packet.destination, detail: 'no listener (simulated)' });
      return undefined;
    }
    if (this.faults.isBlocked(host.name, target.name) || this.faults.isBlocked(target.name, host.name)) {
      this.drop(packet, from, endpoint(target.name, packet.destination), 'partition');
      this.failLater(host, target.name, packet, { kind: 'unreachable', destination: packet.destination, detail: 'connect failed (partition)' });
      return undefined;
    }
    // The connection gets its own ephemeral port, as a connecting socket does.
    const source = { host: local.host, port: host.ephemeralPort() };
    return this.connections.open(
      packet.protocol,
      { hostName: host.name, address: source, incarnation: host.incarnation },
      { hostName: target.name, address: packet.destination, incarnation: target.incarnation },
    );
  }

  private defaultLocal(host: SimHost, protocol: TransportProtocol, destination: SocketAddress): SocketAddress {
    const v6 = isIpv6(destination.host);
    const points = host.listenPoints.filter((lp) => lp.protocol === protocol);
    const match = points.find((lp) => isIpv6(lp.host) === v6) ?? points[0];
    if (match !== undefined) return { host: match.host, port: match.port };
    const address = host.spec.addresses.find((a) => isIpv6(a) === v6) ?? host.spec.addresses[0];
    return { host: address, port: host.ephemeralPort() };
  }

  private holdIfHeld(from: string, to: string, deliver: () => void, packet: OutboundPacket, fromLabel: string, toLabel: string): boolean {
    if (!this.faults.holdIfHeld(from, to, deliver)) return false;
    this.stats.held++;
    this.env.trace.record({ timeMs: this.env.scheduler.nowMs, kind: 'held', protocol: packet.protocol, from: fromLabel, to: toLabel, sizeBytes: packet.data.length, summary: firstLine(packet.data) });
    return true;
  }

  private deliver(target: SimHost, packet: OutboundPacket, from: string, to: string, inbound: Parameters<SimHost['receive']>[0]): void {
    this.stats.delivered++;
    this.env.trace.record(
      { timeMs: this.env.scheduler.nowMs, kind: 'deliver', protocol: packet.protocol, from, to, sizeBytes: packet.data.length, summary: firstLine(packet.data) },
      packet.data,
    );
    target.receive(inbound);
  }

  private drop(packet: OutboundPacket, from: string, to: string, reason: string): void {
    this.stats.dropped[reason] = (this.stats.dropped[reason] ?? 0) + 1;
    this.env.trace.record({ timeMs: this.env.scheduler.nowMs, kind: 'drop', reason, protocol: packet.protocol, from, to, sizeBytes: packet.data.length, summary: firstLine(packet.data) });
  }

  /** Reports a failure after one round trip on the link, as an ICMP error or a RST would arrive. */
  private failLater(host: SimHost, peerName: string | undefined, packet: OutboundPacket, failure: TransportFailure): void {
    const peer = peerName ?? host.name;
    const random = this.linkRandom(host.name, peer);
    const rttMs = sampleDelayMs(this.link(host.name, peer), random) + sampleDelayMs(this.link(peer, host.name), random);
    const incarnation = host.incarnation;
    this.env.scheduler.at(this.env.scheduler.nowMs + rttMs, `failure ${host.name}`, () => this.fail(host.name, incarnation, packet, failure));
  }

  private fail(hostName: string, incarnation: number, packet: OutboundPacket, failure: TransportFailure): void {
    const host = this.env.host(hostName);
    if (host === undefined || host.state !== 'up' || host.incarnation !== incarnation) return;
    this.env.trace.record({ timeMs: this.env.scheduler.nowMs, kind: 'failure', reason: failure.kind, protocol: packet.protocol, from: hostName, to: `${packet.destination.host}:${packet.destination.port}`, summary: failure.detail });
    host.ctx.transport.reportFailure(failure, packet);
  }

  private endAlive(hostName: string, incarnation: number): boolean {
    const host = this.env.host(hostName);
    return host !== undefined && host.state === 'up' && host.incarnation === incarnation;
  }

  private linkRandom(from: string, to: string): SeededRandom {
    const key = linkKey(from, to);
    let random = this.linkRandoms.get(key);
    if (random === undefined) {
      random = this.env.forkRandom(`link:${from}->${to}`);
      this.linkRandoms.set(key, random);
    }
    return random;
  }

  private directions(a: string, b: string, options: DirectionOptions): Array<[string, string]> {
    return options.oneWay === true ? [[a, b]] : [[a, b], [b, a]];
  }
}
