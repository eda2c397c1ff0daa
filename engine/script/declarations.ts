/**
 * Entity declarations a script hands the logic (opensips-b2b.md §2.1 `b2b_server_new`, `b2b_client_new`,
 * `b2b_trigger_scenario` peers): ids, URIs and proxies checked here so a typo fails at the script's line.
 */
import { literalNextHop } from '../dialog/next-hop';
import { isIpLiteral } from '../transport/address';
import type { Destination } from '../transport/transport-layer';
import type { ClientDeclaration, ServerDeclaration } from '../b2b/logic/scripted-types';
import type { HeaderPairs } from '../b2b/logic/leg-headers';
import { scriptUri } from './editable-message';
import { ScriptError } from './script-error';
import type { ClientNewOptions, HeaderInput, ServerNewOptions, TriggerPeer } from './script-types';

/** Header lines as name/value pairs; names must be header tokens and values single-line. */
export function headerPairs(input: HeaderInput | undefined, verb: string): HeaderPairs | undefined {
  if (input === undefined) return undefined;
  const pairs: Array<readonly [string, string]> = Array.isArray(input)
    ? (input as ReadonlyArray<readonly [string, string]>).map(([n, v]) => [n, v] as const)
    : Object.entries(input as Readonly<Record<string, string>>);
  for (const [name, value] of pairs) {
    if (typeof name !== 'string' || !/^[A-Za-z0-9!%*_+`'~.-]+$/.test(name)) throw new ScriptError('bad-argument', `${verb}: "${String(name)}" is not a header name`);
    if (typeof value !== 'string' || /[\r\n]/.test(value)) throw new ScriptError('bad-argument', `${verb}: the value of header ${name} must be one line of text`);
  }
  return pairs.length === 0 ? undefined : pairs;
}

/** An entity id: free text without commas (they separate peer fields) or surrounding blanks. */
export function entityId(id: unknown, verb: string): string {
  if (typeof id !== 'string' || id.trim() === '' || id !== id.trim() || id.includes(',')) {
    throw new ScriptError('bad-argument', `${verb}: entity id must be a non-empty string without commas, got ${JSON.stringify(id)}`);
  }
  return id;
}

/** An outbound proxy: a sip: URI with an IP address (no DNS yet). */
export function proxyDestination(uri: string, verb: string): Destination {
  const destination = literalNextHop(scriptUri(uri, `${verb} proxy`));
  if (destination === undefined || !isIpLiteral(destination.address.host)) {
    throw new ScriptError('bad-uri', `${verb}: proxy "${uri}" must be a sip: URI with an IP address (no DNS yet)`);
  }
  return destination;
}

export function clientDeclaration(id: string, uri: string, options: ClientNewOptions, verb: string): ClientDeclaration {
  const headers = headerPairs(options.headers, verb);
  return {
    id: entityId(id, verb),
    uri: scriptUri(uri, `${verb} uri`),
    ...(options.proxy !== undefined && options.proxy !== '' ? { proxy: proxyDestination(options.proxy, verb) } : {}),
    ...(options.fromDname !== undefined && options.fromDname !== '' ? { fromDname: options.fromDname } : {}),
    ...(options.contact !== undefined && options.contact !== '' ? { contact: contactText(options.contact, verb) } : {}),
    ...(headers !== undefined ? { headers } : {}),
  };
}

export function serverDeclaration(id: string, options: ServerNewOptions): ServerDeclaration {
  const headers = headerPairs(options.headers, 'serverNew');
  return {
    id: entityId(id, 'serverNew'),
    ...(options.contact !== undefined && options.contact !== '' ? { contact: contactText(options.contact, 'serverNew') } : {}),
    ...(headers !== undefined ? { headers } : {}),
  };
}

/** `"id,ruri[,proxy[,display]]"` or its object form (§2.1 `b2b_trigger_scenario`). */
export function triggerPeer(peer: TriggerPeer, which: string): ClientDeclaration {
  const verb = `triggerScenario ${which}`;
  if (typeof peer !== 'string') {
    if (typeof peer !== 'object' || peer === null) throw new ScriptError('bad-argument', `${verb}: expected "id,ruri[,proxy[,display]]" or { id, uri }`);
    return clientDeclaration(peer.id, peer.uri, { ...(peer.proxy !== undefined ? { proxy: peer.proxy } : {}), ...(peer.fromDname !== undefined ? { fromDname: peer.fromDname } : {}), ...(peer.headers !== undefined ? { headers: peer.headers } : {}) }, verb);
  }
  const fields = peer.split(',').map((f) => f.trim());
  if (fields.length < 2 || fields.length > 4) throw new ScriptError('bad-argument', `${verb}: "${peer}" must be "id,ruri[,proxy[,display]]"`);
  const [id, uri, proxy, display] = fields as [string, string, string?, string?];
  if (id === '') throw new ScriptError('bad-argument', `${verb}: "${peer}" has no id`);
  if (uri === '') throw new ScriptError('bad-uri', `${verb}: "${peer}" has no destination URI`);
  return clientDeclaration(id, uri, { ...(proxy !== undefined ? { proxy } : {}), ...(display !== undefined ? { fromDname: display } : {}) }, verb);
}

/** A Contact to advertise: must parse as a URI (angle brackets tolerated); kept as text for the logic. */
function contactText(contact: string, verb: string): string {
  scriptUri(contact, `${verb} contact`);
  return contact.trim();
}
