/** A simulated host: one machine with addresses, listen points, a skewable clock, timers, randomness and a transport; it can crash and restart (DESIGN.md, Simulator). */
import type { InboundPacket, SocketAddress, TransportProtocol } from '../engine/ports/transport';
import { ClockTimerService } from '../engine/timers/clock-timer-service';
import type { SeededRandom } from './prng';
import { SimTransport, type PacketSink } from './sim-transport';
import { VirtualClock, type ClockSkew } from './virtual-clock';
import type { SimScheduler } from './event-queue';

export interface ListenPoint extends SocketAddress {
  readonly protocol: TransportProtocol;
}

export interface ListenSpec {
  readonly protocol: TransportProtocol;
  readonly port: number;
  /** Defaults to the host's first address. */
  readonly host?: string;
}

export interface HostContext {
  readonly name: string;
  /** 0 for the first start, +1 per restart. */
  readonly incarnation: number;
  readonly clock: VirtualClock;
  /** The engine's timer facility over this host's clock; a throwing callback fails the run. */
  readonly timers: ClockTimerService;
  /** This incarnation's own stream (forked from the world seed by host name and incarnation). */
  readonly random: SeededRandom;
  readonly transport: SimTransport;
  readonly addresses: readonly string[];
  readonly listenPoints: readonly ListenPoint[];
  /** Survives crashes: what a restarted host reloads ("persisted state"). */
  readonly persisted: Map<string, unknown>;
  /** The one handler for packets arriving at this host's listen points. */
  onPacket(handler: (packet: InboundPacket) => void): void;
}

export interface HostSpec<App = unknown> {
  readonly name: string;
  readonly addresses: readonly string[];
  readonly listen?: readonly ListenSpec[];
  readonly clock?: ClockSkew;
  /** Builds the host's software; runs at start and again on every restart. */
  readonly build: (ctx: HostContext) => App;
  /** Called when the host crashes, before its clock and transport die (for bookkeeping in tests). */
  readonly onCrash?: (app: App, ctx: HostContext) => void;
  /** Called after `build` on a restart: reload what `ctx.persisted` holds. */
  readonly onRestart?: (app: App, ctx: HostContext) => void;
}

/** What a host needs from the world. */
export interface HostEnvironment {
  readonly scheduler: SimScheduler;
  readonly sink: PacketSink;
  forkRandom(label: string): SeededRandom;
  reportTimerError(hostName: string, error: unknown): void;
}

export type HostState = 'up' | 'down';

export class SimHost<App = unknown> {
  state: HostState = 'down';
  incarnation = -1;
  readonly listenPoints: readonly ListenPoint[];
  readonly persisted = new Map<string, unknown>();
  private ctxValue: HostContext | undefined = undefined;
  private appValue: App | undefined = undefined;
  private packetHandler: ((packet: InboundPacket) => void) | undefined = undefined;
  private nextEphemeralPort = 49152;

  constructor(
    readonly spec: HostSpec<App>,
    private readonly env: HostEnvironment,
  ) {
    if (spec.addresses.length === 0) throw new RangeError(`host ${spec.name} needs at least one address`);
    this.listenPoints = (spec.listen ?? []).map((l) => ({ protocol: l.protocol, host: l.host ?? spec.addresses[0], port: l.port }));
  }

  get name(): string {
    return this.spec.name;
  }

  get ctx(): HostContext {
    if (this.ctxValue === undefined) throw new Error(`host ${this.name} was never started`);
    return this.ctxValue;
  }

  /** The object `build` returned for the current incarnation. */
  get app(): App {
    if (this.state !== 'up') throw new Error(`host ${this.name} is down`);
    return this.appValue as App;
  }

  start(): void {
    if (this.state === 'up') throw new Error(`host ${this.name} is already up`);
    this.incarnation++;
    this.packetHandler = undefined;
    const name = this.name;
    const clock = new VirtualClock(this.env.scheduler, name, this.spec.clock);
    const ctx: HostContext = {
      name,
      incarnation: this.incarnation,
      clock,
      timers: new ClockTimerService(clock, { onError: (error) => this.env.reportTimerError(name, error) }),
      random: this.env.forkRandom(`host:${name}#${this.incarnation}`),
      transport: new SimTransport(this.env.sink, name, this.incarnation),
      addresses: this.spec.addresses,
      listenPoints: this.listenPoints,
      persisted: this.persisted,
      onPacket: (handler) => {
        this.packetHandler = handler;
      },
    };
    this.ctxValue = ctx;
    this.state = 'up';
    this.appValue = this.spec.build(ctx);
    if (this.incarnation > 0) this.spec.onRestart?.(this.appValue, ctx);
  }

  crash(): void {
    if (this.state !== 'up') return;
    const ctx = this.ctx;
    this.spec.onCrash?.(this.appValue as App, ctx);
    this.state = 'down';
    ctx.clock.stop();
    ctx.transport.kill();
    this.packetHandler = undefined;
    this.appValue = undefined;
  }

  receive(packet: InboundPacket): boolean {
    if (this.state !== 'up' || this.packetHandler === undefined) return false;
    this.packetHandler(packet);
    return true;
  }

  /** A local port for an outgoing connection or an unbound datagram socket (deterministic). */
  ephemeralPort(): number {
    return this.nextEphemeralPort++;
  }
}
