/**
 * Flags of `b2b_init_request` (opensips-b2b.md §2.1, §2.7): the 3.4+ CSV names
 * (`setup-timeout=300,transparent-auth,preserve-to`) and the 3.2–3.3 letters (`t300ap`).
 */
import type { InitFlags } from '../b2b/logic/logic-types';
import { ScriptError } from './script-error';

const ALLOWED = 'setup-timeout=<seconds>, transparent-auth, preserve-to';

export function parseInitFlags(text: string): InitFlags {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  if (/^(?:t\d+|a|p)+$/.test(trimmed)) return parseLetters(trimmed);
  let setupTimeoutS: number | undefined;
  let transparentAuth = false;
  let preserveTo = false;
  for (const raw of trimmed.split(',')) {
    const item = raw.trim();
    const eq = item.indexOf('=');
    const name = (eq < 0 ? item : item.slice(0, eq)).trim();
    const value = eq < 0 ? undefined : item.slice(eq + 1).trim();
    switch (name) {
      case 'setup-timeout':
        if (value === undefined || !/^\d+$/.test(value)) throw new ScriptError('bad-flags', `setup-timeout needs whole seconds (setup-timeout=300), got "${item}"`);
        setupTimeoutS = Number(value);
        break;
      case 'transparent-auth':
        transparentAuth = true;
        break;
      case 'preserve-to':
        preserveTo = true;
        break;
      case 'pass-legs-upstream':
        throw new ScriptError('bad-flags', 'pass-legs-upstream is not supported yet');
      default:
        throw new ScriptError('bad-flags', `unknown initRequest flag "${item}" (allowed: ${ALLOWED})`);
    }
  }
  return build(setupTimeoutS, transparentAuth, preserveTo);
}

/** Checks an object form the same way (a typo'd key in plain JS would otherwise pass silently). */
export function checkInitFlags(flags: InitFlags): InitFlags {
  for (const key of Object.keys(flags)) {
    if (key !== 'setupTimeoutS' && key !== 'transparentAuth' && key !== 'preserveTo') {
      throw new ScriptError('bad-flags', `unknown initRequest flag "${key}" (allowed: setupTimeoutS, transparentAuth, preserveTo)`);
    }
  }
  const t = flags.setupTimeoutS;
  if (t !== undefined && (!Number.isInteger(t) || t < 0)) throw new ScriptError('bad-flags', `setupTimeoutS must be whole seconds >= 0, got ${t}`);
  return flags;
}

function parseLetters(text: string): InitFlags {
  let setupTimeoutS: number | undefined;
  for (const m of text.matchAll(/t(\d+)/g)) setupTimeoutS = Number(m[1]);
  const letters = text.replace(/t\d+/g, '');
  return build(setupTimeoutS, letters.includes('a'), letters.includes('p'));
}

function build(setupTimeoutS: number | undefined, transparentAuth: boolean, preserveTo: boolean): InitFlags {
  return {
    ...(setupTimeoutS !== undefined ? { setupTimeoutS } : {}),
    ...(transparentAuth ? { transparentAuth } : {}),
    ...(preserveTo ? { preserveTo } : {}),
  };
}
