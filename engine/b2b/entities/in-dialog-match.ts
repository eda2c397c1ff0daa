/**
 * Step 1 of the b2b_entities request pipeline (opensips-b2b.md §1.2): is this request for one of our
 * entities? Route and Request-URI checks, then the To-tag (server key), the Call-ID (client key), and
 * for UPDATE/PRACK an early-dialog search by Call-ID + From-tag. Pure: the layer looks the key up.
 */
import type { SipRequest, SipResponse } from '../../sip/message';
import type { Uri } from '../../sip/types';

export type RequestMatch =
  | { readonly kind: 'not-b2b' }
  | { readonly kind: 'server'; readonly key: string; readonly hashIndex: number }
  | { readonly kind: 'client'; readonly key: string; readonly hashIndex: number }
  | { readonly kind: 'early-search' };

export interface KeyParsers {
  server(text: string | undefined): number | undefined;
  client(text: string | undefined): number | undefined;
}

const NOT_B2B: RequestMatch = { kind: 'not-b2b' };
const EARLY_SEARCH: RequestMatch = { kind: 'early-search' };

export function matchRequest(request: SipRequest, keys: KeyParsers, isLocal: (uri: Uri) => boolean): RequestMatch {
  const routes = request.routes;
  // §1.2: more than two Route entries, or a non-local one among them, means a request we only proxy.
  if (routes.length > 2) return NOT_B2B;
  for (const route of routes) if (!isLocal(route.uri)) return NOT_B2B;
  const method = request.method;
  // §1.2: the Request-URI must be ours, except for ACK and CANCEL (their R-URI copies the INVITE's).
  if (method !== 'ACK' && method !== 'CANCEL' && !isLocal(request.uri)) return NOT_B2B;
  const toTag = request.toTag;
  const serverBucket = keys.server(toTag);
  if (serverBucket !== undefined && toTag !== undefined) return { kind: 'server', key: toTag, hashIndex: serverBucket };
  const clientBucket = keys.client(request.callId);
  if (clientBucket !== undefined) return { kind: 'client', key: request.callId, hashIndex: clientBucket };
  if (method === 'UPDATE' || method === 'PRACK') return EARLY_SEARCH;
  return NOT_B2B;
}

/**
 * A response that reached us outside its client transaction (a 2xx retransmitted after Timer M):
 * a client entity's by Call-ID, a server entity's (its re-INVITE) by From-tag.
 */
export function matchResponse(response: SipResponse, keys: KeyParsers): RequestMatch {
  const clientBucket = keys.client(response.callId);
  if (clientBucket !== undefined) return { kind: 'client', key: response.callId, hashIndex: clientBucket };
  const fromTag = response.fromTag;
  const serverBucket = keys.server(fromTag);
  if (serverBucket !== undefined && fromTag !== undefined) return { kind: 'server', key: fromTag, hashIndex: serverBucket };
  return NOT_B2B;
}
