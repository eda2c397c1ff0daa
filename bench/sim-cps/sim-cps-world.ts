/**
 * The sim-cps workload: zero-length top-hiding calls (RFC 3261 §13, §15; INVITE/100/180/200/ACK/BYE/200 on both
 * legs) from a simulated caller through the full B2BUA engine to a simulated callee, offered at a fixed rate.
 */
import { performance } from 'node:perf_hooks';
import type { InviteSession } from '../../engine/dialog/invite-session';
import type { UserAgentDelegate } from '../../engine/dialog/user-agent-core';
import { World, type LinkSpec } from '../../simulator';
import { addUa, leftovers } from '../../test/dialog/sim-ua';
import { SDP_A, SDP_B, addB2b, b2bLeftovers, calleeAt, viaB2b } from '../../test/b2b/sim-b2b';

/** A clean LAN-like link: the benchmark measures engine work, not retransmissions. */
export const SIM_CPS_LINK: Partial<LinkSpec> = { latency: { kind: 'uniform', minMs: 1, maxMs: 3 } };
export const SIM_CPS_SEED = 20261123;

export interface SimCpsRun {
  readonly offeredCps: number;
  /** Simulated seconds during which calls are started. */
  readonly offeredSeconds: number;
  readonly callsStarted: number;
  readonly callsAnswered: number;
  readonly callsFailed: number;
  /** Calls whose caller and callee both saw the dialog end (BYE/200 done on both legs). */
  readonly callsCompleted: number;
  readonly b2bSessionsEnded: number;
  /** Phase 1: the offered window (calls start, ring, answer, hang up). */
  readonly window: { readonly simulatedMs: number; readonly wallMs: number; readonly cpuMs: number; readonly events: number };
  /** Phase 2: run on until idle (transaction Timers D/J/K and the B2B cleanup end everything). */
  readonly drain: { readonly simulatedMs: number; readonly wallMs: number; readonly cpuMs: number; readonly events: number };
  /**
   * Process CPU spent inside the B2BUA's receive path (parse, transactions, b2b_entities, b2b_logic, the sends it
   * makes), summed over window and drain; its own timer callbacks (retransmissions, Timer K/J/D) are not in it.
   */
  readonly b2bReceiveCpuMs: number;
  readonly packetsSent: number;
  readonly packetsDropped: number;
  /** Everything left live or armed once idle; must be empty for the run to count. */
  readonly problems: readonly string[];
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/**
 * Offers `offeredCps` calls per simulated second for `offeredSeconds`; the callee rings (180) and answers (200)
 * at once, the caller ACKs and sends BYE as soon as the call is confirmed (call length 0, as SIPp's `-d 0`).
 */
export function runSimCps(offeredCps: number, offeredSeconds: number, seed: number = SIM_CPS_SEED): SimCpsRun {
  const world = new World({ seed, link: SIM_CPS_LINK, trace: { maxEntries: 1000 } });
  const b2b = addB2b(world);
  // The host calls stack.receive through a closure that looks it up on each packet, so wrapping it here meters it.
  let b2bReceiveCpuUs = 0;
  const stack = b2b.app.stack;
  const receive = stack.receive.bind(stack);
  (stack as { receive: typeof receive }).receive = (packet) => {
    const before = process.cpuUsage();
    try {
      receive(packet);
    } finally {
      const used = process.cpuUsage(before);
      b2bReceiveCpuUs += used.user + used.system;
    }
  };
  let calleeStarted = 0;
  let calleeEnded = 0;
  const bobDelegate: UserAgentDelegate = {
    onInvite: (invite) => {
      calleeStarted++;
      invite.onCancelled = () => calleeEnded++;
      invite.progress(180);
      const session = invite.accept({ body: SDP_B });
      if (session === undefined) {
        calleeEnded++;
        return;
      }
      session.handler = { onTerminated: () => calleeEnded++ };
    },
  };
  const bob = addUa(world, 'bob', '10.0.0.2', bobDelegate);
  const alice = addUa(world, 'alice', '10.0.0.1');
  const callsStarted = Math.round(offeredCps * offeredSeconds);
  let answered = 0;
  let failed = 0;
  let callerEnded = 0;
  const to = calleeAt('10.0.0.2');
  const destination = viaB2b();
  // One world event per call at its offered instant (an evenly spaced arrival, like SIPp's -r).
  for (let i = 0; i < callsStarted; i++) {
    world.at((i * 1000) / offeredCps, `call ${i}`, () => {
      alice.app.stack.core.invite({ to, destination, body: SDP_A }, {
        onAccepted: (session: InviteSession) => {
          answered++;
          session.handler = { onTerminated: () => callerEnded++, onConfirmed: () => session.bye() };
        },
        onFailed: () => {
          failed++;
          callerEnded++;
        },
      });
    });
  }
  const maxEvents = 200 * callsStarted + 100_000;
  const offeredMs = offeredSeconds * 1000;

  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const first = world.runSync({ untilMs: offeredMs, maxEvents });
  const window = { simulatedMs: first.nowMs, wallMs: performance.now() - wall0, cpuMs: cpuMsSince(cpu0), events: first.events };

  const cpu1 = process.cpuUsage();
  const wall1 = performance.now();
  const second = world.runSync({ maxEvents });
  const drain = { simulatedMs: second.nowMs - first.nowMs, wallMs: performance.now() - wall1, cpuMs: cpuMsSince(cpu1), events: second.events };

  const problems: string[] = [];
  if (first.reason !== 'time') problems.push(`offered window stopped by ${first.reason} at ${first.nowMs} ms`);
  if (second.reason !== 'idle') problems.push(`drain stopped by ${second.reason} at ${second.nowMs} ms`);
  if (answered + failed !== callsStarted) problems.push(`${callsStarted - answered - failed} calls neither answered nor failed`);
  if (callerEnded !== callsStarted) problems.push(`${callsStarted - callerEnded} callers never ended`);
  if (calleeEnded !== calleeStarted) problems.push(`${calleeStarted - calleeEnded} callee calls never ended`);
  problems.push(...leftovers(alice.app), ...leftovers(bob.app), ...b2bLeftovers(b2b.app));
  const stats = world.network.stats;
  return {
    offeredCps, offeredSeconds, callsStarted, callsAnswered: answered, callsFailed: failed,
    callsCompleted: Math.min(callerEnded - failed, calleeEnded), b2bSessionsEnded: b2b.app.ended.length,
    window, drain,
    b2bReceiveCpuMs: b2bReceiveCpuUs / 1000,
    packetsSent: stats.sent,
    packetsDropped: Object.values(stats.dropped).reduce((a, b) => a + b, 0),
    problems,
  };
}
