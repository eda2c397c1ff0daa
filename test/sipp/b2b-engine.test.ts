/**
 * The B2B engine on real loopback sockets between two SIPps (issue 5, Proof): the shipped top-hiding
 * script in-process (`startEngine`, port 0), a callee SIPp as `upstream`, a caller SIPp through the
 * engine. Every flow ends with both SIPps at exit 0 (all calls successful, none failed) and the
 * engine holding no session, entity or transaction.
 */
import t, { type Test } from 'tap';
import { SIPP_MISSING, sippAvailable } from './sipp-runner';
import { runPair, waitForEngineIdle, type PairOptions, type PairResult } from './b2b-harness';

interface Flow extends PairOptions {
  readonly name: string;
}

/** The headline: 5,000 zero-length calls at 200 calls/s, leak checks both ways (RFC 3261 §8.1.1, opensips-b2b.md §2.7). */
const HEADLINE: Flow = {
  name: 'basic calls, 5,000 at 200 calls/s: nothing of either side reaches the other',
  caller: 'caller-basic.xml', callee: 'callee-basic.xml', calls: 5000, ratePerS: 200, limit: 400, timeoutS: 80,
};

/** SIPp's own scenarios, so the proof does not rest on ours alone. */
const BUILTIN: Flow = { name: 'sipp -sn uac → engine → sipp -sn uas, 1,000 calls at 200 calls/s', caller: 'uac', callee: 'uas', calls: 1000, ratePerS: 200 };

const FLOWS: readonly Flow[] = [
  { name: 'the callee hangs up: its BYE reaches the caller', caller: 'caller-wait-bye.xml', callee: 'callee-hangup.xml', calls: 20, ratePerS: 10 },
  { name: 'the caller CANCELs while ringing: 200 for the CANCEL, then 487 reaches the caller', caller: 'caller-cancel.xml', callee: 'callee-ring.xml', calls: 20, ratePerS: 10 },
  { name: 'the callee is busy: 486 reaches the caller', caller: 'caller-busy.xml', callee: 'callee-busy.xml', calls: 20, ratePerS: 10 },
  { name: 're-INVITE from the caller is relayed with its SDP and answered', caller: 'caller-reinvite.xml', callee: 'callee-answer-reinvite.xml', calls: 20, ratePerS: 10 },
  { name: 're-INVITE from the callee is relayed with its SDP and answered', caller: 'caller-answer-reinvite.xml', callee: 'callee-reinvite.xml', calls: 20, ratePerS: 10 },
  { name: 'a re-INVITE overlapping a pending one gets 500 with Retry-After (RFC 3261 §14.2)', caller: 'caller-overlap.xml', callee: 'callee-slow-reinvite.xml', calls: 10, ratePerS: 10 },
  { name: 'glare: the callee\'s re-INVITE against ours gets 491 (RFC 3261 §14.2)', caller: 'caller-reinvite-glare.xml', callee: 'callee-glare.xml', calls: 10, ratePerS: 10 },
  {
    name: 'the callee never answers: 408 to the caller and CANCEL to the callee after the set-up timeout (§2.7)',
    caller: 'caller-timeout.xml', callee: 'callee-ring.xml', calls: 10, ratePerS: 10,
    overrides: ['b2b_logic.b2bl_th_init_timeout=2', 'b2b_logic.cleanup_period=1'],
  },
  { name: 'TCP toward the caller, UDP toward the callee: basic calls with the leak checks', caller: 'caller-basic.xml', callee: 'callee-basic.xml', calls: 20, ratePerS: 10, callerTransport: 'tcp' },
];

/** Small flows run this many at once (each with its own engine and SIPp pair). */
const PARALLEL = 3;

/** Timer J, L and M keep finished transactions for 64·T1 = 32 s on UDP (RFC 3261 §17, RFC 6026). */
const TRANSACTION_DRAIN_MS = 45_000;

const engines: PairResult[] = [];

function check(t: Test, flow: Flow, result: PairResult): void {
  const { caller, callee } = result;
  t.comment(`${flow.calls} calls in ${(result.elapsedMs / 1000).toFixed(1)} s; caller ${JSON.stringify(caller.counts)}; callee ${JSON.stringify(callee.counts)}`);
  if (caller.code !== 0) t.comment(`caller SIPp errors:\n${caller.errors}`);
  if (callee.code !== 0) t.comment(`callee SIPp errors:\n${callee.errors}`);
  if (result.engineLog.length > 0) t.comment(`engine warnings:\n${result.engineLog.slice(0, 20).join('\n')}`);
  t.equal(caller.code, 0, 'caller SIPp exits 0 (every call successful)');
  t.equal(callee.code, 0, 'callee SIPp exits 0 (every call successful)');
  t.equal(caller.counts.successful, flow.calls, 'caller SuccessfulCall');
  t.equal(caller.counts.failed, 0, 'caller FailedCall');
  t.equal(callee.counts.successful, flow.calls, 'callee SuccessfulCall');
  t.equal(callee.counts.failed, 0, 'callee FailedCall');
  t.equal(caller.counts.unexpected + callee.counts.unexpected, 0, 'no unexpected message on either side');
  t.same({ sessions: result.after.sessions, servers: result.after.servers, clients: result.after.clients },
    { sessions: 0, servers: 0, clients: 0 }, 'the engine holds no session and no entity afterwards');
  t.same(result.engineLog.filter((line) => line.startsWith('error')), [], 'the engine logged no error');
}

async function runFlow(t: Test, flow: Flow, pending?: Promise<PairResult>): Promise<void> {
  const result = await (pending ?? runPair(flow));
  engines.push(result);
  check(t, flow, result);
}

t.test('sipp is installed', async (t) => {
  t.ok(sippAvailable(), 'sipp is on PATH (Debian: apt-get install sip-tester)');
});

t.test(HEADLINE.name, async (t) => {
  if (!sippAvailable()) return t.fail(SIPP_MISSING);
  await runFlow(t, HEADLINE);
});

t.test(BUILTIN.name, async (t) => {
  if (!sippAvailable()) return t.fail(SIPP_MISSING);
  await runFlow(t, BUILTIN);
});

t.test('flows through the engine', async (t) => {
  if (!sippAvailable()) return t.fail(SIPP_MISSING);
  // A few at a time: each is mostly waiting (pauses, timeouts), so they overlap well.
  const started = new Map<Flow, Promise<PairResult>>();
  let next = 0;
  let finishedCount = 0;
  const startMore = (): void => {
    while (next < FLOWS.length && started.size - finishedCount < PARALLEL) {
      const flow = FLOWS[next++]!;
      started.set(flow, runPair(flow).finally(() => { finishedCount++; startMore(); }));
    }
  };
  startMore();
  for (const flow of FLOWS) {
    await t.test(flow.name, async (t) => {
      // Started above unless an earlier flow is still running.
      while (!started.has(flow)) await new Promise((resolve) => setTimeout(resolve, 50));
      await runFlow(t, flow, started.get(flow));
    });
  }
});

t.test('afterwards every engine drains: no session, entity, transaction or timer left once Timers J/L/M have run', async (t) => {
  for (const result of engines) {
    const counts = await waitForEngineIdle(result.sut.engine, TRANSACTION_DRAIN_MS);
    t.same(counts, { sessions: 0, servers: 0, clients: 0, transactions: 0, timers: 0 }, `engine on UDP ${result.sut.udpPort}: nothing live`);
  }
});

t.teardown(async () => {
  await Promise.all(engines.map((result) => result.close()));
});
