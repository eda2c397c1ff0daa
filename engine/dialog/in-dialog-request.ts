/** Building requests inside a dialog (RFC 3261 §12.2.1.1): Request-URI, Route, CSeq, From/To, Call-ID, Contact. */
import { formatNameAddr, formatUri } from '../sip';
import type { NameAddr, SipUri, Uri } from '../sip/types';
import type { Random } from '../ports/random';
import { Dialog, DialogError } from './dialog';

/** The parts of a request the dialog decides; the UA core adds Via, Max-Forwards and the body. */
export interface InDialogRequestParts {
  readonly method: string;
  readonly uri: Uri;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** The URI the request goes to first: the top Route (loose) or the Request-URI (§12.2.1.1, §8.1.2). */
  readonly nextHop: Uri;
}

export interface InDialogRequestOptions {
  /** For ACK (and CANCEL): the CSeq number of the INVITE it belongs to (§13.2.2.4); the local sequence is not advanced. */
  readonly cseq?: number;
  /** Extra headers after the dialog's own. */
  readonly headers?: ReadonlyArray<readonly [string, string]>;
}

/** The initial local sequence when a UAS-side dialog first sends (§8.1.1.5: below 2^31; random-ish from Random). */
export function initialLocalSeq(random: Random): number {
  return 1 + (random.nextUint32() & 0xffff);
}

/** Methods whose requests carry our Contact (§12.2.1.1 target refresh and dialog-creating requests). */
const CONTACT_METHODS = new Set(['INVITE', 'UPDATE', 'SUBSCRIBE', 'NOTIFY', 'REFER']);

/**
 * Builds the request-specific parts of an in-dialog request and advances the local sequence
 * (except for ACK/CANCEL, which reuse the INVITE's number — §12.2.1.1, §13.2.2.4).
 */
export function buildInDialogRequest(dialog: Dialog, method: string, random: Random, options: InDialogRequestOptions = {}): InDialogRequestParts {
  if (dialog.isTerminated && method !== 'ACK') throw new DialogError('dialog-terminated', `cannot send ${method} on terminated dialog ${dialog.key}`);
  let seq: number;
  if (method === 'ACK' || method === 'CANCEL') {
    if (options.cseq === undefined) throw new DialogError('bad-cseq', `${method} needs the INVITE's CSeq number`);
    seq = options.cseq;
  } else {
    // §12.2.1.1: the local sequence number MUST be incremented by one for each new request.
    seq = dialog.localSeq === undefined ? initialLocalSeq(random) : dialog.localSeq + 1;
    dialog.localSeq = seq;
  }
  const { uri, routes } = requestTarget(dialog.routeSet, dialog.remoteTarget);
  const headers: (readonly [string, string])[] = [];
  for (const route of routes) headers.push(['Route', formatNameAddr(route)]);
  headers.push(['From', formatNameAddr(withTag(dialog.localUri, dialog.id.localTag))]);
  headers.push(['To', formatNameAddr(withTag(dialog.remoteUri, dialog.id.remoteTag))]);
  headers.push(['Call-ID', dialog.id.callId]);
  headers.push(['CSeq', `${seq} ${method}`]);
  if (CONTACT_METHODS.has(method)) headers.push(['Contact', dialog.localContact]);
  if (options.headers) headers.push(...options.headers);
  return { method, uri, headers, nextHop: routes.length > 0 ? routes[0]!.uri : uri };
}

/**
 * §12.2.1.1: no route set → Request-URI is the remote target; loose first route (`;lr`) → remote
 * target with Route = route set; strict first route → Request-URI is that route's URI (stripped of
 * parameters a Request-URI may not carry) and the remote target goes last in Route.
 */
export function requestTarget(routeSet: readonly NameAddr[], remoteTarget: Uri): { uri: Uri; routes: readonly NameAddr[] } {
  const first = routeSet[0];
  if (first === undefined) return { uri: remoteTarget, routes: [] };
  if (isLooseRoute(first.uri)) return { uri: remoteTarget, routes: routeSet };
  const routes: NameAddr[] = routeSet.slice(1);
  routes.push({ uri: remoteTarget, params: new Map() });
  return { uri: stripForRequestUri(first.uri), routes };
}

export function isLooseRoute(uri: Uri): boolean {
  return isSipUri(uri) && uri.params.has('lr');
}

export function isSipUri(uri: Uri): uri is SipUri {
  return uri.scheme === 'sip' || uri.scheme === 'sips';
}

/** §19.1.1 table: `method` and URI headers are not allowed in a Request-URI. */
function stripForRequestUri(uri: Uri): Uri {
  if (!isSipUri(uri)) return uri;
  if (!uri.params.has('method') && uri.headers.size === 0) return uri;
  const params = new Map(uri.params);
  params.delete('method');
  return { ...uri, params, headers: new Map() };
}

function withTag(nameAddr: NameAddr, tag: string): NameAddr {
  const params = new Map(nameAddr.params);
  params.set('tag', tag);
  return { ...nameAddr, params };
}

/** Text of a URI for logs and Contact building. */
export function uriText(uri: Uri): string {
  return formatUri(uri);
}
