/** Retransmission schedules of the UAS 2xx (RFC 3261 §13.3.1.4) and reliable provisionals (RFC 3262 §3). */
import t from 'tap';
import { BackoffRetransmitter } from './backoff-retransmitter';
import { ManualTimers } from './test-support';

const T1 = 500;
const T2 = 4000;

function run(cap: number | undefined, retransmit: boolean, stopAtMs?: number) {
  const timers = new ManualTimers();
  const sends: number[] = [];
  let gaveUpAt: number | undefined;
  const r = new BackoffRetransmitter(timers, {
    firstIntervalMs: T1, capIntervalMs: cap, giveUpAfterMs: 64 * T1, retransmit,
    resend: () => sends.push(timers.nowMs), onGiveUp: () => { gaveUpAt = timers.nowMs; },
  });
  if (stopAtMs !== undefined) {
    timers.advance(stopAtMs);
    r.stop();
  }
  timers.advance(100_000);
  return { sends, gaveUpAt, armed: timers.armedCount, running: r.isRunning };
}

t.test('2xx schedule (§13.3.1.4): T1 doubling capped at T2, give up at 64·T1', async (t) => {
  const { sends, gaveUpAt, armed, running } = run(T2, true);
  t.same(sends, [500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
  t.equal(gaveUpAt, 32000);
  t.equal(armed, 0);
  t.equal(running, false);
});

t.test('reliable provisional schedule (RFC 3262 §3): T1 doubling without cap', async (t) => {
  const { sends, gaveUpAt } = run(undefined, true);
  t.same(sends, [500, 1500, 3500, 7500, 15500, 31500]);
  t.equal(gaveUpAt, 32000);
});

t.test('reliable transport: no resends, still gives up at 64·T1', async (t) => {
  const { sends, gaveUpAt, armed } = run(T2, false);
  t.same(sends, []);
  t.equal(gaveUpAt, 32000);
  t.equal(armed, 0);
});

t.test('stop (ACK/PRACK arrived) cancels both timers', async (t) => {
  const { sends, gaveUpAt, armed } = run(T2, true, 2000);
  t.same(sends, [500, 1500]);
  t.equal(gaveUpAt, undefined);
  t.equal(armed, 0);
});
