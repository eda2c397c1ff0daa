/**
 * The B2B services of scenarios/scripts/ on real loopback sockets (issue 6, Proof; opensips-b2b.md
 * §6.2 prepaid, §6.3 marketing, §6.5 REFER and parking/pickup): the engine in-process with the
 * service script, every party a SIPp, at least 100 calls each with none failed, and the engine back
 * to no session, entity, transaction or timer afterwards. The SIPp scenarios (services/*.xml) check
 * every message from the B2BUA: one Via, no Record-Route, Contact = the engine; a 200 OK or re-INVITE
 * carries the SDP of the party the service should have connected (each agent names its SDP).
 */
import t, { type Test } from 'tap';
import { runMi } from '../../cli/commands/mi';
import { delay, waitForEngineIdle } from './b2b-harness';
import { runService, type ServiceResult, type ServiceRunOptions } from './services-harness';
import { SIPP_MISSING, sippAvailable } from './sipp-runner';

const CALLS = 100;
const RATE = 20;
/** Timer J, L and M keep finished transactions for 64·T1 = 32 s on UDP (RFC 3261 §17, RFC 6026). */
const TRANSACTION_DRAIN_MS = 45_000;

const CALLEE = 'sip:callee@127.0.0.1:@CALLEE_PORT@';
const TARGET = 'sip:target@127.0.0.1:@TARGET_PORT@';

const results: ServiceResult[] = [];

/** Every agent exits 0 with `calls` successful calls and none failed; the engine holds nothing and logged no warning. */
function check(t: Test, options: ServiceRunOptions, result: ServiceResult): void {
  const summary = Object.entries(result.agents).map(([name, side]) => `${name} ${side.counts.successful}/${side.counts.failed}`).join(', ');
  t.comment(`${(result.elapsedMs / 1000).toFixed(1)} s; successful/failed: ${summary}`);
  for (const agent of options.agents) {
    const side = result.agents[agent.name];
    if (side === undefined) {
      t.fail(`no result for agent ${agent.name}`);
      continue;
    }
    if (side.code !== 0) t.comment(`${agent.name} SIPp errors:\n${side.errors}`);
    t.equal(side.code, 0, `${agent.name} SIPp exits 0`);
    t.equal(side.counts.successful, agent.calls, `${agent.name}: ${agent.calls} successful calls`);
    t.equal(side.counts.failed, 0, `${agent.name}: no failed call`);
    t.equal(side.counts.unexpected, 0, `${agent.name}: no unexpected message`);
  }

  t.same({ sessions: result.after.sessions, servers: result.after.servers, clients: result.after.clients },
    { sessions: 0, servers: 0, clients: 0 }, 'the engine holds no session and no entity afterwards');
  t.same(result.engineLog.slice(0, 10), [], 'the engine logged no warning and no error');
}

/** One service run: its SIPp agents and engine, and any check of its own beyond `check`. */
interface Flow {
  readonly name: string;
  readonly options: ServiceRunOptions;
  readonly extra?: (t: Test) => void;
}

const FLOWS: Flow[] = [];

t.test('sipp is installed', async (t) => {
  t.ok(sippAvailable(), 'sipp is on PATH (Debian: apt-get install sip-tester)');
});

FLOWS.push({
  name: `prepaid (§6.2): credit announcement, callee, closing announcement — ${CALLS} calls`,
  options: {
    script: 'prepaid.ts',
    params: { announce_uri: 'sip:credit@127.0.0.1:@MEDIA_PORT@', credit_s: '60' },
    agents: [
      // Both announcements: answers (the second INVITE has no SDP: its 200 is the offer), hangs up.
      { name: 'media', role: 'uas', scenario: 'uas-answer-bye.xml', calls: 2 * CALLS, vars: { PAUSE_MS: '150' } },
      { name: 'callee', role: 'uas', scenario: 'uas-answer-bye.xml', calls: CALLS, vars: { PAUSE_MS: '300' } },
      // Exactly two re-INVITEs with SDP reach the caller (SIPssert 01), then the BYE.
      {
        name: 'caller', role: 'uac', scenario: 'uac-reinvited-2.xml', calls: CALLS, ratePerS: RATE,
        vars: { TARGET_URI: CALLEE, ANSWER_SDP: 'media', REINVITE1_SDP: 'callee', REINVITE2_SDP: 'media' },
      },
    ],
  },
});

FLOWS.push({
  name: 'prepaid: no credit → 402 Payment Required, nobody called',
  options: {
    script: 'prepaid.ts',
    params: { announce_uri: 'sip:credit@127.0.0.1:@CALLER_PORT@', credit_s: '0' },
    agents: [{ name: 'caller', role: 'uac', scenario: 'uac-refused.xml', calls: 20, ratePerS: RATE, vars: { TARGET_URI: 'sip:callee@127.0.0.1:9', STATUS: '402' } }],
  },
});

FLOWS.push({
  name: 'prepaid: the call is cut when the credit runs out (session lifetime = credit)',
  options: {
    script: 'prepaid.ts',
    params: { announce_uri: 'sip:credit@127.0.0.1:@MEDIA_PORT@', credit_s: '1' },
    // The expiry sweep runs every second: the call ends 1–2 s after the callee answered.
    config: { b2b_logic: { cleanup_period: 1 } },
    agents: [
      { name: 'media', role: 'uas', scenario: 'uas-answer-bye.xml', calls: 20, vars: { PAUSE_MS: '100' } },
      // The callee never hangs up: the B2BUA does, 1 s (the credit) to 1 s + cleanup_period after the bridge started.
      { name: 'callee', role: 'uas', scenario: 'uas-answer-wait.xml', calls: 20, vars: { MIN_HOLD_MS: '900', MAX_HOLD_MS: '3000' } },
      { name: 'caller', role: 'uac', scenario: 'uac-reinvited-1.xml', calls: 20, ratePerS: RATE, vars: { TARGET_URI: CALLEE, ANSWER_SDP: 'media', REINVITE1_SDP: 'callee' } },
    ],
  },
});

/** What the marketing run's `b2bkit mi` calls returned. */
const mi = { ok: 0, errors: [] as string[] };
FLOWS.push({
  name: `marketing (§6.3): ${CALLS} calls started with b2bkit mi b2b_logic:trigger_scenario`,
  options: {
    script: 'marketing.ts',
    params: {},
    config: { b2b_logic: { server_address: 'sip:127.0.0.1:@ENGINE_PORT@' } },
    mi: true,
    agents: [
      // Called late, answers with the offer; re-INVITEd with the operator's SDP; the operator's BYE reaches it.
      { name: 'customer', role: 'uas', scenario: 'uas-answer-reinvited.xml', calls: CALLS, vars: { REINVITE1_SDP: 'operator' } },
      { name: 'media', role: 'uas', scenario: 'uas-answer-bye.xml', calls: CALLS, vars: { PAUSE_MS: '150' } },
      { name: 'operator', role: 'uas', scenario: 'uas-answer-bye.xml', calls: CALLS, vars: { PAUSE_MS: '300' } },
    ],
    drive: async ({ miUrl, fill }) => {
      if (miUrl === undefined) throw new Error('the engine started no MI endpoint');
      const calls: Promise<void>[] = [];
      for (let i = 0; i < CALLS; i++) {
        const customer = fill('customer,sip:customer@127.0.0.1:@CUSTOMER_PORT@');
        const media = fill('media,sip:promo@127.0.0.1:@MEDIA_PORT@');
        const context = fill('operator_uri=sip:sales@127.0.0.1:@OPERATOR_PORT@');
        // Both spellings `b2bkit mi` accepts: positional (the context a 4th value), and name=value.
        const args = i % 2 === 0
          ? ['b2b_logic:trigger_scenario', 'marketing', customer, media, context, '--url', miUrl]
          : ['b2b_logic:trigger_scenario', 'scenario_id=marketing', `entity1=${customer}`, `entity2=${media}`, `context=${context}`, '--url', miUrl];
        let err = '';
        calls.push(runMi(args, { stdin: process.stdin, stdout: () => undefined, stderr: (text) => { err += text; }, readFile: async () => new Uint8Array() })
          .then((code) => { if (code === 0) mi.ok++; else mi.errors.push(`exit ${code}: ${err.trim()}`); }));
        await delay(1000 / RATE);
      }
      await Promise.all(calls);
    },
  },
  extra: (t) => {
    t.same(mi.errors.slice(0, 3), [], 'every b2bkit mi call succeeded');
    t.equal(mi.ok, CALLS, `${CALLS} MI trigger_scenario calls answered`);
  },
});

FLOWS.push({
  name: `REFER from the caller (§6.5, SIPssert 03): the callee is bridged to the target — ${CALLS} calls`,
  options: {
    script: 'transfer.ts',
    params: {},
    agents: [
      { name: 'callee', role: 'uas', scenario: 'uas-answer-reinvited.xml', calls: CALLS, vars: { REINVITE1_SDP: 'target' } },
      { name: 'target', role: 'uas', scenario: 'uas-answer-bye.xml', calls: CALLS, vars: { PAUSE_MS: '300' } },
      { name: 'caller', role: 'uac', scenario: 'uac-refer.xml', calls: CALLS, ratePerS: RATE, vars: { TARGET_URI: CALLEE, REFER_TO: TARGET, PAUSE_MS: '150', ANSWER_SDP: 'callee' } },
    ],
  },
});

FLOWS.push({
  name: `REFER from the callee (§6.5, SIPssert 04): the caller is bridged to the target — ${CALLS} calls`,
  options: {
    script: 'transfer.ts',
    params: {},
    agents: [
      { name: 'callee', role: 'uas', scenario: 'uas-refer.xml', calls: CALLS, vars: { REFER_TO: TARGET, PAUSE_MS: '150' } },
      { name: 'target', role: 'uas', scenario: 'uas-answer-bye.xml', calls: CALLS, vars: { PAUSE_MS: '300' } },
      { name: 'caller', role: 'uac', scenario: 'uac-reinvited-1.xml', calls: CALLS, ratePerS: RATE, vars: { TARGET_URI: CALLEE, ANSWER_SDP: 'callee', REINVITE1_SDP: 'target' } },
    ],
  },
});

FLOWS.push({
  name: 'REFER with bridge_flags=notify (SIPssert 07): the transferor hears NOTIFY 100 then 200, then is hung up',
  options: {
    script: 'transfer.ts',
    params: { bridge_flags: 'notify' },
    agents: [
      { name: 'callee', role: 'uas', scenario: 'uas-answer-reinvited.xml', calls: 20, vars: { REINVITE1_SDP: 'target' } },
      { name: 'target', role: 'uas', scenario: 'uas-answer-bye.xml', calls: 20, vars: { PAUSE_MS: '300' } },
      { name: 'caller', role: 'uac', scenario: 'uac-refer-notify.xml', calls: 20, ratePerS: RATE, vars: { TARGET_URI: CALLEE, REFER_TO: TARGET, PAUSE_MS: '150', ANSWER_SDP: 'callee' } },
    ],
  },
});

FLOWS.push({
  name: 'REFER to a target that refuses, with retry_uri (SIPssert 24): the callee is bridged to the failure announcement',
  options: {
    script: 'transfer.ts',
    params: { retry_uri: 'sip:sorry@127.0.0.1:@MEDIA_PORT@' },
    agents: [
      { name: 'callee', role: 'uas', scenario: 'uas-answer-reinvited.xml', calls: 20, vars: { REINVITE1_SDP: 'media' } },
      { name: 'target', role: 'uas', scenario: 'uas-refuse.xml', calls: 20, vars: { STATUS: '404' } },
      { name: 'media', role: 'uas', scenario: 'uas-answer-bye.xml', calls: 20, vars: { PAUSE_MS: '300' } },
      { name: 'caller', role: 'uac', scenario: 'uac-refer.xml', calls: 20, ratePerS: RATE, vars: { TARGET_URI: CALLEE, REFER_TO: TARGET, PAUSE_MS: '150', ANSWER_SDP: 'callee' } },
    ],
  },
});

/** Parked caller n dials park<n>; picker n, a second later, dials pickup<n> (both SIPps at the same rate). */
interface ParkingRun {
  readonly calls: number;
  readonly pickupFlags?: string;
  readonly pickerPauseMs?: number;
  readonly config?: Record<string, unknown>;
  /** When the parking leg's BYE may come, in ms after it answered (the picker dials ~1 s after the caller). */
  readonly parkedMs?: readonly [number, number];
}

function parking({ calls, pickupFlags, pickerPauseMs = 500, config, parkedMs = [0, 10_000] }: ParkingRun): ServiceRunOptions {
  return {
    script: 'parking.ts',
    params: { park_uri: 'sip:moh@127.0.0.1:@PARKING_PORT@', ...(pickupFlags !== undefined ? { pickup_flags: pickupFlags } : {}) },
    ...(config !== undefined ? { config } : {}),
    agents: [
      { name: 'parking', role: 'uas', scenario: 'uas-answer-wait.xml', calls, vars: { MIN_HOLD_MS: String(parkedMs[0]), MAX_HOLD_MS: String(parkedMs[1]) } },
      { name: 'caller', role: 'uac', scenario: 'uac-reinvited-1.xml', calls, ratePerS: RATE, vars: { TARGET_URI: 'sip:park[call_number]@127.0.0.1:@ENGINE_PORT@', ANSWER_SDP: 'parking', REINVITE1_SDP: 'picker' } },
      {
        // Started with the caller; each of its calls dials 1 s after the parked one.
        name: 'picker', role: 'uac', scenario: 'uac-answer-bye.xml', calls, ratePerS: RATE,
        vars: { TARGET_URI: 'sip:pickup[call_number]@127.0.0.1:@ENGINE_PORT@', DIAL_AFTER_MS: '1000', PAUSE_MS: String(pickerPauseMs), ANSWER_SDP: 'caller' },
      },
    ],
  };
}

FLOWS.push({
  name: `parking and pickup (§6.5, SIPssert 26): ${CALLS} parked callers picked up with b2b_bridge_request`,
  options: parking({ calls: CALLS }),
});

// When the parking leg is hung up: at the pickup, at the picker's ACK, or old_entity_term_delay later. SIPps
// keep time apart (the picker dials ~1 s after the parked call, give or take their rate drift), so these runs
// let the picker talk 3–4 s — the only pauses above 500 ms here — to keep each window ≥ 1 s from the next.
FLOWS.push({
  name: 'pickup without flags: the parking leg is hung up at the pickup (~1 s after it answered), not with the call',
  options: parking({ calls: 20, pickerPauseMs: 3000, parkedMs: [0, 2500] }),
});

FLOWS.push({
  name: 'pickup with late_bye: the parking leg is hung up at the picker\'s ACK, not with the call',
  options: parking({ calls: 20, pickupFlags: 'late_bye', pickerPauseMs: 3000, parkedMs: [0, 2500] }),
});

FLOWS.push({
  name: 'pickup with late_bye and old_entity_term_delay=2 (SIPssert 26 late-bye-delay): hung up ~2 s after the ACK',
  // ~1 s (the pickup) + 2 s after the parking answered; the call itself ends at ~5 s.
  options: parking({ calls: 20, pickupFlags: 'late_bye', pickerPauseMs: 4000, config: { b2b_logic: { old_entity_term_delay: 2 } }, parkedMs: [2200, 4300] }),
});

/** Services run this many at once, each with its own engine and SIPps (they mostly wait: pauses, call rates). */
const PARALLEL = 3;

t.test('the services on real sockets', async (t) => {
  if (!sippAvailable()) return t.fail(SIPP_MISSING);
  const started = new Map<Flow, Promise<ServiceResult>>();
  let next = 0;
  let running = 0;
  const startMore = (): void => {
    while (next < FLOWS.length && running < PARALLEL) {
      const flow = FLOWS[next++]!;
      running++;
      const pending = runService(flow.options);
      pending.then((result) => results.push(result), () => undefined).finally(() => { running--; startMore(); });
      started.set(flow, pending);
    }
  };
  startMore();
  for (const flow of FLOWS) {
    await t.test(flow.name, async (t) => {
      while (!started.has(flow)) await delay(50);
      const result = await started.get(flow)!;
      check(t, flow.options, result);
      flow.extra?.(t);
    });
  }
});

t.test('afterwards every engine drains: no session, entity, transaction or timer left once Timers J/L/M have run', async (t) => {
  for (const result of results) {
    const counts = await waitForEngineIdle(result.sut.engine, TRANSACTION_DRAIN_MS);
    t.same(counts, { sessions: 0, servers: 0, clients: 0, transactions: 0, timers: 0 }, `engine on UDP ${result.sut.udpPort}: nothing live`);
  }
});

t.teardown(async () => {
  await Promise.all(results.map((result) => result.close()));
});
