/**
 * `b2b_logic:trigger_scenario` and `b2b_logic:bridge` (opensips-b2b.md §2.4, §6.3, §6.5 17–20): MI commands
 * that start a 3PCC session or re-bridge a live one, with OpenSIPS's error codes and texts.
 */
import { parseUri } from '../sip/uri';
import type { ClientDeclaration } from '../b2b/logic/scripted-types';
import type { LogicOutcome } from '../b2b/logic/logic-types';
import type { MiCommand, MiOutcome, MiValue } from './mi-types';

const fail = (code: number, message: string): MiOutcome => ({ ok: false, error: { code, message } });

function outcome(result: LogicOutcome): MiOutcome {
  return result.ok ? { ok: true, result: 'OK' } : fail(result.code, result.message);
}

/** `"id,dest_uri[,from_dname]"` (no proxy here, unlike the script function), or the error OpenSIPS gives. */
export function parseMiEntity(value: MiValue | undefined, name: 'entity1' | 'entity2'): ClientDeclaration | MiOutcome {
  if (typeof value !== 'string') return fail(400, `Bad format for ${name}`);
  const [id, uriText, fromDname] = value.split(',').map((part) => part.trim());
  if (id === undefined || id === '') return fail(400, `Missing ID for ${name}`);
  if (uriText === undefined || uriText === '') return fail(400, `Missing destination URI for ${name}`);
  // Angle brackets are tolerated around the URI, as b2b_client_new does.
  const uri = parseUri(uriText.startsWith('<') && uriText.endsWith('>') ? uriText.slice(1, -1) : uriText);
  // OpenSIPS finds a bad URI only when it builds the entity: the scenario fails to start.
  if (uri === undefined) return fail(500, 'Failed to initialize scenario');
  return fromDname === undefined || fromDname === '' ? { id, uri } : { id, uri, fromDname };
}

/** `context`: an array of `"key=value"`; a single string is taken as a one-item array (CLI convenience). */
export function parseMiContext(value: MiValue | undefined): Map<string, string> | MiOutcome {
  const ctx = new Map<string, string>();
  if (value === undefined || value === null) return ctx;
  const items = typeof value === 'string' ? [value] : Array.isArray(value) ? value : undefined;
  if (items === undefined) return fail(400, 'Bad format for context value');
  for (const item of items) {
    if (typeof item !== 'string') return fail(400, 'Bad format for context value');
    const eq = item.indexOf('=');
    if (eq < 0) return fail(400, 'Bad format for context value');
    ctx.set(item.slice(0, eq), item.slice(eq + 1));
  }
  return ctx;
}

function isFailure(value: object): value is MiOutcome {
  return 'ok' in value && (value as { ok: unknown }).ok === false;
}

export const b2bLogicTriggerScenario: MiCommand = {
  name: 'b2b_logic:trigger_scenario',
  aliases: ['b2b_trigger_scenario'],
  params: [
    { name: 'scenario_id', required: true }, { name: 'entity1', required: true },
    { name: 'entity2', required: true }, { name: 'context', required: false },
  ],
  help: '3PCC: calls entity1 (late SDP) then entity2 with its offer; entity = "id,dest_uri[,from_dname]", context = ["key=value", …]',
  run: (target, params) => {
    const scenario = params.scenario_id;
    if (typeof scenario !== 'string' || scenario === '') return fail(400, 'Bad scenario_id');
    const first = parseMiEntity(params.entity1, 'entity1');
    if (isFailure(first)) return first;
    const second = parseMiEntity(params.entity2, 'entity2');
    if (isFailure(second)) return second;
    const ctx = parseMiContext(params.context);
    if (!(ctx instanceof Map)) return ctx;
    return outcome(target.logic.triggerScenario({ scenario, first: first as ClientDeclaration, second: second as ClientDeclaration, ctx }));
  },
};

/** `flag` arrives as a number (JSON) or a string (CLI positional). */
function parseFlag(value: MiValue | undefined): number | undefined | 'bad' {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isInteger(n)) return 'bad';
  return n;
}

export const b2bLogicBridge: MiCommand = {
  name: 'b2b_logic:bridge',
  aliases: ['b2b_bridge'],
  params: [
    { name: 'dialog_id', required: true }, { name: 'new_uri', required: true },
    { name: 'flag', required: false }, { name: 'prov_media_uri', required: false },
  ],
  help: 'bridges a party of a session to new_uri (late SDP); flag 0 keeps entity 0 (default), 1 keeps entity 1; dialog_id = key or callid;from-tag;to-tag',
  run: (target, params) => {
    const dialogId = params.dialog_id;
    const newUri = params.new_uri;
    if (typeof dialogId !== 'string' || dialogId === '') return fail(404, 'B2B session not found');
    if (typeof newUri !== 'string' || parseUri(newUri) === undefined) return fail(404, 'Invalid uri for the new destination');
    const flag = parseFlag(params.flag);
    // The range check is the logic's (OpenSIPS checks 0/1 there, with this same text).
    if (flag === 'bad') return fail(404, "Invalid 'flag' parameter");
    const prov = params.prov_media_uri;
    if (prov !== undefined && prov !== null && (typeof prov !== 'string' || parseUri(prov) === undefined)) {
      return fail(404, "Bad 'prov_media_uri' parameter");
    }
    return outcome(target.logic.miBridge({
      dialogId, newUri,
      ...(flag === undefined ? {} : { flag }),
      ...(typeof prov === 'string' ? { provMediaUri: prov } : {}),
    }));
  },
};
