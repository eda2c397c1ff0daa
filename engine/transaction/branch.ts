/** Branch parameters for requests this layer sends (RFC 3261 §8.1.1.7: magic cookie + a value unique in space and time, drawn from Random). */
import type { Random } from '../ports/random';
import type { SipRequest } from '../sip/message';
import { MAGIC_COOKIE } from './transaction-key';

export function newBranch(random: Random, tokenLength: number): string {
  return MAGIC_COOKIE + random.token(tokenLength);
}

/** The request with a branch on its top Via (added when missing), and that branch. */
export function withBranch(request: SipRequest, random: Random, tokenLength: number): { readonly request: SipRequest; readonly branch: string } {
  const existing = request.topVia.branch;
  if (existing !== undefined) return { request, branch: existing };
  const branch = newBranch(random, tokenLength);
  const vias = request.headerValues('via');
  const top = `${vias[0] ?? ''};branch=${branch}`;
  return { request: request.withHeaderValues('Via', [top, ...vias.slice(1)]), branch };
}
