/**
 * Flags of `b2b_bridge`, `b2b_handle_reply` and `b2b_bridge_request` (opensips-b2b.md §2.1): the 3.4+
 * CSV names, or the same as an object; an unknown flag is the script's error, named.
 */
import type { BridgeFlags, HandleReplyFlags } from '../b2b/logic/scripted-types';
import { ScriptError } from './script-error';

const BRIDGE_ALLOWED = 'max_duration=<seconds>, notify, rollback-failed, hold, no-late-sdp, propagate-avps, provmedia-extra-headers';
const BRIDGE_KEYS = new Set(['maxDurationS', 'notify', 'rollbackFailed', 'hold', 'noLateSdp', 'provmediaExtraHeaders']);

type MutableBridgeFlags = { -readonly [K in keyof BridgeFlags]: BridgeFlags[K] };

/**
 * `propagate-avps` is accepted and has nothing to do: a session's ctx (the only per-call variables a
 * b2bkit script has) already travels with the session into every route run.
 */
export function parseBridgeFlags(input: string | BridgeFlags | undefined): BridgeFlags {
  if (input === undefined) return {};
  if (typeof input !== 'string') return checkObject(input);
  const flags: MutableBridgeFlags = {};
  for (const { name, value, item } of csvItems(input)) {
    if (name !== 'max_duration' && value !== undefined) throw new ScriptError('bad-flags', `bridge flag "${name}" takes no value (got "${item}")`);
    switch (name) {
      case 'max_duration':
        if (value === undefined || !/^\d+$/.test(value)) throw new ScriptError('bad-flags', `bridge flag max_duration needs whole seconds (max_duration=3600), got "${item}"`);
        flags.maxDurationS = Number(value);
        break;
      case 'notify': flags.notify = true; break;
      case 'rollback-failed': flags.rollbackFailed = true; break;
      case 'hold': flags.hold = true; break;
      case 'no-late-sdp': flags.noLateSdp = true; break;
      case 'provmedia-extra-headers': flags.provmediaExtraHeaders = true; break;
      case 'propagate-avps': break;
      default: throw new ScriptError('bad-flags', `unknown bridge flag "${name}" (allowed: ${BRIDGE_ALLOWED})`);
    }
  }
  return flags;
}

export function parseHandleReplyFlags(input: string | HandleReplyFlags | undefined): HandleReplyFlags {
  if (input === undefined) return {};
  if (typeof input !== 'string') {
    for (const key of Object.keys(input)) {
      if (key !== 'pass3xxContact') throw new ScriptError('bad-flags', `unknown handleReply flag "${key}" (allowed: pass3xxContact)`);
    }
    return input;
  }
  let pass3xxContact = false;
  for (const { name, item } of csvItems(input)) {
    if (name !== 'pass-3xx-contact' || item !== name) throw new ScriptError('bad-flags', `unknown handleReply flag "${item}" (allowed: pass-3xx-contact)`);
    pass3xxContact = true;
  }
  return pass3xxContact ? { pass3xxContact } : {};
}

/** `b2b_bridge_request` flags: only `late_bye` (3.5). */
export function parseBridgeRequestFlags(input: string | undefined): { readonly lateBye: boolean } {
  let lateBye = false;
  for (const { item } of csvItems(input ?? '')) {
    if (item !== 'late_bye') throw new ScriptError('bad-flags', `unknown bridgeRequest flag "${item}" (allowed: late_bye)`);
    lateBye = true;
  }
  return { lateBye };
}

function checkObject(flags: BridgeFlags): BridgeFlags {
  for (const key of Object.keys(flags)) {
    if (!BRIDGE_KEYS.has(key)) throw new ScriptError('bad-flags', `unknown bridge flag "${key}" (allowed: ${[...BRIDGE_KEYS].join(', ')})`);
  }
  const d = flags.maxDurationS;
  if (d !== undefined && (!Number.isInteger(d) || d < 0)) throw new ScriptError('bad-flags', `bridge flag maxDurationS must be whole seconds >= 0, got ${d}`);
  return flags;
}

function csvItems(text: string): Array<{ readonly name: string; readonly value: string | undefined; readonly item: string }> {
  if (typeof text !== 'string') throw new ScriptError('bad-flags', `flags must be a CSV string, got ${typeof text}`);
  const items: Array<{ name: string; value: string | undefined; item: string }> = [];
  for (const raw of text.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    items.push({ name: (eq < 0 ? item : item.slice(0, eq)).trim(), value: eq < 0 ? undefined : item.slice(eq + 1).trim(), item });
  }
  return items;
}
