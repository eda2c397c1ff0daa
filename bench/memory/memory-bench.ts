/**
 * The memory benchmark's core (RFC 3261 §12, §13): holds N established top-hiding calls open in the
 * simulator and measures JS heap (after full GC) and RSS before and after, per call. The same run
 * without the B2BUA (caller dials callee directly) gives the UAs' share, so the B2BUA's own cost
 * per call is the difference of the two.
 */
import type { UserAgentDelegate } from '../../engine/dialog/user-agent-core';
import type { Destination } from '../../engine/transport/transport-layer';
import { World } from '../../simulator';
import { addUa } from '../../test/dialog/sim-ua';
import { gcFunction } from '../measure';
import { SDP_A, SDP_B, addB2b, calleeAt, viaB2b } from '../../test/b2b/sim-b2b';

export type MemoryMode = 'b2b' | 'direct';

export interface MemoryRow {
  readonly mode: MemoryMode;
  readonly calls: number;
  /** Calls the caller saw answered (must equal calls). */
  readonly established: number;
  /** Sessions live on the B2BUA when measured (0 in direct mode). */
  readonly b2bSessions: number;
  /** Transactions still live on the B2BUA when measured (should be 0: calls are idle). */
  readonly b2bTransactions: number;
  readonly heapUsedBefore: number;
  readonly heapUsedAfter: number;
  /** heapUsed + external + arrayBuffers growth, per call. */
  readonly heapBytesPerCall: number;
  readonly externalBytesPerCall: number;
  readonly rssBytesPerCall: number;
  readonly rssBefore: number;
  readonly rssAfter: number;
  readonly wallMs: number;
  readonly simMs: number;
}

const CALLEE = '10.0.0.2';
const CALLER = '10.0.0.1';
/** Calls started per simulated millisecond (10 000 calls/s offered). */
const CALLS_PER_MS = 10;
/** Long enough after the last call for every transaction to end (Timer D is 32 s on UDP, §17.1.1.2). */
const SETTLE_MS = 40_000;
const WARMUP_CALLS = 200;


/** A full GC: `global.gc` under --expose-gc, else switched on at run time (as bench/measure.ts does). */
export function fullGc(): () => void {
  const collect = gcFunction();
  if (collect === undefined) throw new Error('memory bench: V8 refused to expose gc');
  return collect;
}

interface Snapshot {
  readonly heapUsed: number;
  readonly external: number;
  readonly rss: number;
}

function snapshot(): Snapshot {
  const gc = fullGc();
  gc();
  gc();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, external: m.external + m.arrayBuffers, rss: m.rss };
}

/** Keeps the world reachable until after the last measurement. */
export let retained: unknown;

/** Starts `calls` calls that are answered and never hung up, lets the world settle, and measures. */
export function measureHeldCalls(calls: number, mode: MemoryMode, seed = 7): MemoryRow {
  const started = Date.now();
  const world = new World({ seed, trace: { maxEntries: 1000 } });
  const b2b = mode === 'b2b' ? addB2b(world) : undefined;
  const calleeDelegate: UserAgentDelegate = {
    onInvite: (invite) => {
      invite.progress(180);
      const session = invite.accept({ body: SDP_B });
      if (session !== undefined) session.handler = {};
    },
  };
  addUa(world, 'bob', CALLEE, calleeDelegate);
  const alice = addUa(world, 'alice', CALLER);
  const destination: Destination = mode === 'b2b' ? viaB2b() : { protocol: 'udp', address: { host: CALLEE, port: 5060 } };
  let established = 0;
  let ended = 0;
  const startCalls = (count: number, hangUp: boolean, done: () => void): void => {
    let next = 0;
    const tick = (): void => {
      for (let k = 0; k < CALLS_PER_MS && next < count; k++, next++) {
        alice.app.stack.core.invite({ to: calleeAt(CALLEE), destination, body: SDP_A }, {
          onAccepted: (session) => {
            established++;
            session.handler = { onTerminated: () => { ended++; } };
            if (hangUp) session.bye();
          },
        });
      }
      if (next < count) alice.app.ctx.timers.schedule(1, tick);
      else done();
    };
    tick();
  };
  // Warm-up: complete calls, so the code is compiled and the trace ring is full before the baseline.
  startCalls(WARMUP_CALLS, true, () => undefined);
  world.runSync({ untilMs: world.nowMs + SETTLE_MS, maxEvents: 10_000_000 });
  if (established !== WARMUP_CALLS || ended !== WARMUP_CALLS) throw new Error(`warm-up: ${established} answered, ${ended} ended of ${WARMUP_CALLS}`);
  established = 0;
  const before = snapshot();
  const simStart = world.nowMs;
  let allStarted = false;
  startCalls(calls, false, () => { allStarted = true; });
  world.runSync({ until: () => allStarted && established === calls, maxEvents: 100_000_000 });
  world.runSync({ untilMs: world.nowMs + SETTLE_MS, maxEvents: 100_000_000 });
  const simMs = world.nowMs - simStart;
  const counts = b2b?.app.stack.counts();
  const after = snapshot();
  retained = world;
  const per = (a: number, b: number): number => Math.round((a - b) / calls);
  return {
    mode, calls, established,
    b2bSessions: counts?.sessions ?? 0,
    b2bTransactions: counts?.transactions ?? 0,
    heapUsedBefore: before.heapUsed,
    heapUsedAfter: after.heapUsed,
    heapBytesPerCall: per(after.heapUsed + after.external, before.heapUsed + before.external),
    externalBytesPerCall: per(after.external, before.external),
    rssBytesPerCall: per(after.rss, before.rss),
    rssBefore: before.rss,
    rssAfter: after.rss,
    wallMs: Date.now() - started,
    simMs,
  };
}

/** The B2BUA's own share per call: the B2BUA run minus the direct run at the same size. */
export interface B2bShare {
  readonly calls: number;
  readonly heapBytesPerCall: number;
  readonly rssBytesPerCall: number;
  readonly totalHeapBytesPerCall: number;
  readonly totalRssBytesPerCall: number;
}

export function b2bShare(rows: readonly MemoryRow[]): B2bShare[] {
  const out: B2bShare[] = [];
  for (const r of rows) {
    if (r.mode !== 'b2b') continue;
    const direct = rows.find((d) => d.mode === 'direct' && d.calls === r.calls);
    if (direct === undefined) continue;
    out.push({
      calls: r.calls,
      heapBytesPerCall: r.heapBytesPerCall - direct.heapBytesPerCall,
      rssBytesPerCall: r.rssBytesPerCall - direct.rssBytesPerCall,
      totalHeapBytesPerCall: r.heapBytesPerCall,
      totalRssBytesPerCall: r.rssBytesPerCall,
    });
  }
  return out;
}
