/** Rewrites a URI's host part to another target's (OpenSIPS `$rd`/`$rp`): the user stays, scheme, host, port and params come from `target`. */
import { formatUri, parseUri } from '../sip/uri';
import type { SipUri, Uri } from '../sip/types';
import { ScriptError } from './script-error';

export function retarget(uri: string | Uri, target: string): string {
  const from = typeof uri === 'string' ? parseUri(uri) : uri;
  const to = parseUri(target);
  if (to === undefined || (to.scheme !== 'sip' && to.scheme !== 'sips')) throw new ScriptError('bad-uri', `retarget: "${target}" is not a SIP URI`);
  const toSip = to as SipUri;
  const user = from !== undefined && (from.scheme === 'sip' || from.scheme === 'sips') ? (from as SipUri).user : undefined;
  const out: SipUri = { ...toSip, ...(user !== undefined ? { user } : {}) };
  return formatUri(out);
}
