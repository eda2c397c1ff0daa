/**
 * Property: whatever a script-driven session's routes do (pass, answer, forget, throw, bridge on REFER)
 * and whatever the parties do at random instants (re-INVITE, INFO, MESSAGE, REFER, BYE, CANCEL), no
 * exception escapes and, once the world is idle (lifetimes and the sweep end what the script left), nothing
 * is left on any host (opensips-b2b.md §1.4, §1.5, §2.1; issue 6 proof).
 */
import t from 'tap';
import fc from 'fast-check';
import { parseUri } from '../../engine/sip';
import type { LogicReplyContext, LogicRequestContext } from '../../engine/b2b/logic/scripted-types';
import { addUa, leftovers, newWorld } from '../dialog/sim-ua';
import { assertProperty } from '../support/assert-property';
import { SDP_A, SDP_B, b2bLeftovers } from './sim-b2b';
import { addCallee, addScriptedB2b, party, placeCall, type CalleePlan } from './scripted-sim';

type RouteMode = 'pass' | 'reply' | 'forget' | 'throw';
type Action = 'callerReinvite' | 'calleeReinvite' | 'callerInfo' | 'calleeMessage' | 'callerBye' | 'calleeBye' | 'refer' | 'cancel';

interface Plan {
  readonly seed: number;
  readonly callee: CalleePlan;
  readonly referee: CalleePlan;
  readonly modes: Readonly<Record<'INVITE' | 'INFO' | 'MESSAGE' | 'BYE' | 'ACK', RouteMode>>;
  readonly referBridge: boolean;
  readonly notify: boolean;
  readonly rollback: boolean;
  readonly replyRoute: 'none' | 'handle' | 'forget';
  readonly actions: ReadonlyArray<{ readonly atMs: number; readonly what: Action }>;
}

const mode = fc.constantFrom<RouteMode>('pass', 'pass', 'reply', 'forget', 'throw', 'throw');
const plan: fc.Arbitrary<Plan> = fc.record({
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  callee: fc.constantFrom<CalleePlan>('answer', 'answer', 'answer', 'ring', 486),
  // Not 'ring': a referee ringing past Timer C (180 s) is left ringing, as the entities layer sends no
  // CANCEL when its INVITE times out after a provisional (RFC 3261 §16.8 / §9.1) — reported, not ours.
  referee: fc.constantFrom<CalleePlan>('answer', 'answer', 404, 486),
  modes: fc.record({ INVITE: mode, INFO: mode, MESSAGE: mode, BYE: fc.constantFrom<RouteMode>('pass', 'pass', 'reply', 'forget'), ACK: fc.constantFrom<RouteMode>('pass', 'pass', 'pass', 'forget') }),
  referBridge: fc.constantFrom(true, true, false),
  notify: fc.boolean(),
  rollback: fc.boolean(),
  replyRoute: fc.constantFrom<'none' | 'handle' | 'forget'>('none', 'handle', 'handle', 'forget'),
  actions: fc.array(fc.record({
    atMs: fc.integer({ min: 0, max: 4000 }),
    what: fc.constantFrom<Action>('callerReinvite', 'calleeReinvite', 'callerInfo', 'calleeMessage', 'callerBye', 'calleeBye', 'refer', 'refer', 'refer', 'cancel'),
  }), { minLength: 1, maxLength: 6 }),
});

const reached = { connected: 0, referred: 0, errors: 0 };

function runPlan(p: Plan): string[] {
  const world = newWorld(p.seed);
  const request = (ctx: LogicRequestContext): void => {
    const method = ctx.request.method;
    if (method === 'REFER' && p.referBridge) {
      ctx.sendReply(202, 'Accepted');
      if (!p.notify) ctx.endDlgLeg();
      ctx.clientNew({ id: 'referee', uri: parseUri('sip:carol@10.0.0.3:5060')! });
      ctx.bridge('peer', 'referee', { flags: { notify: p.notify, rollbackFailed: p.rollback } });
      return;
    }
    const m = method in p.modes ? p.modes[method as keyof Plan['modes']] : 'pass';
    if (m === 'throw') throw new Error('script bug');
    if (m === 'forget') return;
    if (m === 'reply' && method !== 'ACK') ctx.sendReply(method === 'INVITE' ? 488 : 200, 'Here');
    else ctx.passRequest();
  };
  const reply = (ctx: LogicReplyContext): void => {
    if (p.replyRoute === 'handle') ctx.handleReply();
  };
  const b2b = addScriptedB2b(world, {
    routes: { request, ...(p.replyRoute === 'none' ? {} : { reply }) },
    flags: { setupTimeoutS: 3 }, logic: { cleanupPeriodS: 1, maxDurationS: 20 },
  });
  const caller = party();
  const callee = party();
  const referee = party();
  const bob = addCallee(world, 'bob', '10.0.0.2', p.callee, callee, SDP_B);
  const carol = addCallee(world, 'carol', '10.0.0.3', p.referee, referee, SDP_B);
  const alice = addUa(world, 'alice', '10.0.0.1');
  const outgoing = placeCall(alice, caller, '10.0.0.2');
  for (const action of [...p.actions].sort((a, b) => a.atMs - b.atMs)) {
    world.runSync({ untilMs: action.atMs });
    const a = caller.session !== undefined && !caller.session.isEnded ? caller.session : undefined;
    const b = callee.session !== undefined && !callee.session.isEnded ? callee.session : undefined;
    switch (action.what) {
      case 'callerReinvite': a?.reinvite({ body: SDP_A }); break;
      case 'calleeReinvite': b?.reinvite({ body: SDP_B }); break;
      case 'callerInfo': a?.request('INFO'); break;
      case 'calleeMessage': b?.request('MESSAGE'); break;
      case 'callerBye': a?.bye(); break;
      case 'calleeBye': b?.bye(); break;
      case 'refer': b?.request('REFER', { headers: [['Refer-To', '<sip:carol@10.0.0.3:5060>']] }); break;
      case 'cancel': outgoing.cancel(); break;
      default: {
        const never: never = action.what;
        throw new Error(`unknown action ${String(never)}`);
      }
    }
  }
  // No clean-up by hand: set-up timeout, max_duration and the sweep must end whatever the script left.
  world.runSync();
  if (caller.events.some((e) => e.startsWith('200'))) reached.connected++;
  if (referee.events.includes('ack')) reached.referred++;
  if (b2b.app.lines.some((l) => l.level === 'error')) reached.errors++;
  return [...leftovers(alice.app), ...leftovers(bob.app), ...leftovers(carol.app), ...b2bLeftovers(b2b.app)];
}

t.test('random routes and party behaviours: no exception escapes, nothing is left anywhere', async (t) => {
  await assertProperty(t, fc.property(plan, (p) => {
    const left = runPlan(p);
    if (left.length > 0) throw new Error(`left: ${left.join(', ')}`);
    return true;
  }), { numRuns: 60, seed: 6 }, 'no leftovers');
  // The plans must reach the interesting states, or the property proves little.
  t.ok(reached.connected > 10, `calls connected in ${reached.connected} runs`);
  t.ok(reached.referred > 0, `a referee was bridged in ${reached.referred} runs`);
  t.ok(reached.errors > 0, `a route threw in ${reached.errors} runs`);
});
