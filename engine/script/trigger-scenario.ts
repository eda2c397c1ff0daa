/**
 * `b2b_trigger_scenario(scenario, params, peer1, peer2)` from a script route (opensips-b2b.md §2.1, §6.3):
 * the params CSV `n[,key,party]` and the two peers turned into the logic's TriggerSpec.
 */
import type { TriggerSpec } from '../b2b/logic/logic-types';
import { triggerPeer } from './declarations';
import { ScriptError } from './script-error';
import type { TriggerPeer } from './script-types';

/** The entity that sent the current request (b2b routes): who a bare `n` notifies. */
export interface TriggerSender {
  readonly entityKey: string;
  /** The CSeq number of the current request when it is a REFER (the `id` of `Event: refer`). */
  readonly referCseq?: number;
}

export function triggerSpec(
  scenario: string, params: string, first: TriggerPeer, second: TriggerPeer,
  sender: TriggerSender | undefined, ctx: ReadonlyMap<string, string> | undefined,
): TriggerSpec {
  if (typeof scenario !== 'string' || scenario.trim() === '') throw new ScriptError('bad-argument', 'triggerScenario: scenario must be a non-empty string');
  if (scenario === 'top hiding') throw new ScriptError('bad-argument', 'triggerScenario: "top hiding" needs an initial INVITE (use b2b.initRequest)');
  const notify = notifyTarget(params ?? '', sender);
  return {
    scenario,
    first: triggerPeer(first, 'peer1'),
    second: triggerPeer(second, 'peer2'),
    ...(ctx !== undefined && ctx.size > 0 ? { ctx } : {}),
    ...(notify !== undefined ? { notify } : {}),
  };
}

function notifyTarget(params: string, sender: TriggerSender | undefined): TriggerSpec['notify'] {
  if (typeof params !== 'string') throw new ScriptError('bad-argument', `triggerScenario: params must be a string ("", "n" or "n,key,party"), got ${typeof params}`);
  const items = params.split(',').map((i) => i.trim());
  if (items.length === 1 && items[0] === '') return undefined;
  if (items[0] !== 'n') throw new ScriptError('bad-argument', `triggerScenario: params "${params}": the first item must be "n" (notify), or params empty`);
  if (items.length === 1) {
    // A bare `n` notifies the entity that sent the current request: only a b2b route's message has one.
    if (sender === undefined) throw new ScriptError('bad-argument', 'triggerScenario: params "n" notifies the entity that sent the current request, which only exists in a b2b_logic route; in the main route give "n,<session key>,<party 0|1>"');
    return sender.referCseq === undefined ? { entityKey: sender.entityKey } : { entityKey: sender.entityKey, referCseq: sender.referCseq };
  }
  const [, key, party] = items;
  if (items.length !== 3 || key === '' || (party !== '0' && party !== '1')) {
    throw new ScriptError('bad-argument', `triggerScenario: params "${params}" must be "n" or "n,<session key>,<party 0|1>"`);
  }
  return { sessionKey: key!, party: party === '0' ? 0 : 1 };
}
