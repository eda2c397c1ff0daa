/** The simulated world: root seed, one event queue, hosts, network, trace and invariant checks; runs one event at a time (DESIGN.md, Simulator). */
import { EventQueue, type SimEvent, type SimScheduler } from './event-queue';
import { SimulationError } from './errors';
import { SimHost, type HostSpec } from './host';
import type { LinkSpec } from './link';
import type { DirectionOptions } from './link-faults';
import { Network } from './network';
import { SeededRandom } from './prng';
import { Trace, type TraceOptions } from './trace';

export interface WorldOptions {
  readonly seed: number;
  /** The link every pair of hosts uses unless overridden (defaults: 10 ms fixed, no faults). */
  readonly link?: Partial<LinkSpec>;
  readonly trace?: TraceOptions;
}

export interface RunOptions {
  /** Stop once the next event lies beyond this world time; time then reads exactly untilMs. */
  readonly untilMs?: number;
  /** Stop after this many events (default 1 000 000, so a livelock ends the test). */
  readonly maxEvents?: number;
  /** Checked before every event (after microtasks drained); true stops the run. */
  readonly until?: () => boolean;
}

export type RunStopReason = 'idle' | 'time' | 'until' | 'max-events';

export interface RunResult {
  readonly reason: RunStopReason;
  /** Events run by this call. */
  readonly events: number;
  readonly nowMs: number;
}

type Invariant = { readonly name: string; readonly check: () => string | undefined };

const DEFAULT_MAX_EVENTS = 1_000_000;

export class World implements SimScheduler {
  readonly seed: number;
  readonly random: SeededRandom;
  readonly trace: Trace;
  readonly network: Network;
  private readonly queue = new EventQueue();
  private readonly hostsByName = new Map<string, SimHost>();
  private readonly invariants: Invariant[] = [];
  private readonly pendingErrors: SimulationError[] = [];
  private now = 0;
  /** Events run since the world began: with the seed, it pinpoints a failure. */
  steps = 0;

  constructor(options: WorldOptions) {
    this.seed = options.seed;
    this.random = SeededRandom.fromSeed(options.seed);
    this.trace = new Trace(options.trace);
    this.network = new Network({
      scheduler: this,
      trace: this.trace,
      forkRandom: (label) => this.random.fork(label),
      host: (name) => this.hostsByName.get(name),
    });
    if (options.link !== undefined) this.network.setDefaultLink(options.link);
  }

  get nowMs(): number {
    return this.now;
  }

  at(timeMs: number, label: string, run: () => void): SimEvent {
    if (timeMs < this.now) throw new RangeError(`cannot schedule ${label} at ${timeMs}, before now (${this.now})`);
    return this.queue.push(timeMs, label, run);
  }

  after(delayMs: number, label: string, run: () => void): SimEvent {
    return this.at(this.now + delayMs, label, run);
  }

  cancel(event: SimEvent): void {
    this.queue.cancel(event);
  }

  /** Events waiting in the queue. */
  get pendingEvents(): number {
    return this.queue.size;
  }

  addHost<App>(spec: HostSpec<App>): SimHost<App> {
    if (this.hostsByName.has(spec.name)) throw new SimulationError('SIM_CONFIG', `host ${spec.name} exists already`, undefined);
    const host = new SimHost<App>(spec, {
      scheduler: this,
      sink: this.network,
      forkRandom: (label) => this.random.fork(label),
      reportTimerError: (name, error) => this.pendingErrors.push(this.error('SIM_TIMER_CALLBACK', `a timer callback on ${name} threw: ${describe(error)}`, error)),
    });
    this.network.register(host as SimHost);
    this.hostsByName.set(spec.name, host as SimHost);
    host.start();
    return host;
  }

  host<App = unknown>(name: string): SimHost<App> {
    const host = this.hostsByName.get(name);
    if (host === undefined) throw new SimulationError('SIM_CONFIG', `no host named ${name}`, undefined);
    return host as SimHost<App>;
  }

  /** Kills a host: its timers, its in-flight packets (both ways) and its connections are gone. */
  crash(name: string): void {
    const host = this.host(name);
    if (host.state !== 'up') return;
    host.crash();
    this.network.hostCrashed(name);
    this.trace.record({ timeMs: this.now, kind: 'crash', summary: `${name}#${host.incarnation}` });
  }

  /** Starts a crashed host again: its `build` runs with a fresh context, then `onRestart`. */
  restart(name: string): void {
    const host = this.host(name);
    if (host.state === 'up') throw new SimulationError('SIM_CONFIG', `host ${name} is up; crash it first`, undefined);
    host.start();
    this.trace.record({ timeMs: this.now, kind: 'restart', summary: `${name}#${host.incarnation}` });
  }

  /** Cuts the path between two hosts (both ways unless oneWay); in-flight packets on it are lost. */
  partition(a: string, b: string, options: DirectionOptions = {}): void {
    this.network.faults.partition(a, b, options);
  }

  heal(a: string, b: string, options: DirectionOptions = {}): void {
    this.network.faults.heal(a, b, options);
  }

  /** Queues packets on the path until release(). */
  hold(a: string, b: string, options: DirectionOptions = {}): void {
    this.network.faults.hold(a, b, options);
  }

  release(a: string, b: string, options: DirectionOptions = {}): void {
    this.network.faults.release(a, b, options);
  }

  /** Registers a check run after every event; a returned string is a violation that stops the run. */
  addInvariant(name: string, check: () => string | undefined): void {
    this.invariants.push({ name, check });
  }

  /** Adds a line to the trace (and so to the digest): tests record what the engine did. */
  note(text: string): void {
    this.trace.record({ timeMs: this.now, kind: 'note', summary: text });
  }

  digest(): string {
    return this.trace.digest();
  }

  /** Runs the next event without draining microtasks; false when the queue is empty. */
  step(): boolean {
    if (!this.runOne()) return false;
    this.afterEvent();
    return true;
  }

  /** Runs events one at a time, letting promise callbacks settle between them, until a stop condition. */
  async run(options: RunOptions = {}): Promise<RunResult> {
    const maxEvents = options.maxEvents ?? DEFAULT_MAX_EVENTS;
    for (let events = 0; ; events++) {
      const stop = this.stopReason(options, events, maxEvents);
      if (stop !== undefined) return { reason: stop, events, nowMs: this.now };
      this.runOne();
      await new Promise<void>((resolve) => setImmediate(resolve));
      this.afterEvent();
    }
  }

  /** Like run() without microtask draining, for purely synchronous tests. */
  runSync(options: RunOptions = {}): RunResult {
    const maxEvents = options.maxEvents ?? DEFAULT_MAX_EVENTS;
    for (let events = 0; ; events++) {
      const stop = this.stopReason(options, events, maxEvents);
      if (stop !== undefined) return { reason: stop, events, nowMs: this.now };
      this.step();
    }
  }

  /** `run({ untilMs: now + durationMs })`. */
  runFor(durationMs: number, options: Omit<RunOptions, 'untilMs'> = {}): Promise<RunResult> {
    return this.run({ ...options, untilMs: this.now + durationMs });
  }

  private stopReason(options: RunOptions, events: number, maxEvents: number): RunStopReason | undefined {
    if (options.until?.() === true) return 'until';
    if (events >= maxEvents) return 'max-events';
    const next = this.queue.peekTimeMs();
    if (options.untilMs !== undefined && (next === undefined || next > options.untilMs)) {
      this.now = Math.max(this.now, options.untilMs);
      return 'time';
    }
    return next === undefined ? 'idle' : undefined;
  }

  private runOne(): boolean {
    const event = this.queue.pop();
    if (event === undefined) return false;
    this.now = event.timeMs;
    this.steps++;
    try {
      event.run();
    } catch (error) {
      if (error instanceof SimulationError) throw error;
      throw this.error('SIM_EVENT_THREW', `event ${event.label} threw: ${describe(error)}`, error);
    }
    return true;
  }

  private afterEvent(): void {
    const error = this.pendingErrors.shift();
    if (error !== undefined) {
      this.pendingErrors.length = 0;
      throw error;
    }
    for (const invariant of this.invariants) {
      const violation = invariant.check();
      if (violation !== undefined) throw this.error('SIM_INVARIANT', `invariant "${invariant.name}" violated: ${violation}`, undefined);
    }
  }

  private error(code: SimulationError['code'], message: string, cause: unknown): SimulationError {
    return new SimulationError(code, message, { seed: this.seed, step: this.steps, timeMs: this.now }, { cause });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
