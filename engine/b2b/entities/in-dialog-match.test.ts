/** The §1.2 step 1 recognition table of b2b_entities (opensips-b2b.md §1.2). */
import t from 'tap';
import type { Uri } from '../../sip/types';
import { requestFixture } from '../../dialog/test-support';
import { parseEntityKey } from './entity-key';
import { matchRequest, matchResponse, type KeyParsers } from './in-dialog-match';
import { responseFixture } from '../../dialog/test-support';

const parsers: KeyParsers = { server: (text) => parseEntityKey('B2B', text, 512), client: (text) => parseEntityKey('B2B', text, 512) };
const isLocal = (uri: Uri): boolean => 'host' in uri && uri.host === '10.0.0.1';
const SERVER_KEY = 'B2B.12.0.1000.77';
const CLIENT_KEY = 'B2B.300.4.1000.99';

function request(method: string, opts: { uri?: string; toTag?: string; callId?: string; routes?: string[] }): ReturnType<typeof requestFixture> {
  return requestFixture([
    `${method} ${opts.uri ?? 'sip:b2b@10.0.0.1'} SIP/2.0`,
    'Via: SIP/2.0/UDP 10.0.0.9;branch=z9hG4bKx',
    ...(opts.routes ?? []).map((r) => `Route: ${r}`),
    'From: <sip:a@x>;tag=ftag',
    `To: <sip:b@y>${opts.toTag === undefined ? '' : `;tag=${opts.toTag}`}`,
    `Call-ID: ${opts.callId ?? 'abc@host'}`,
    `CSeq: 2 ${method}`,
  ]);
}

const table: Array<[string, ReturnType<typeof requestFixture>, string]> = [
  ['initial INVITE without tags is not B2B', request('INVITE', {}), 'not-b2b'],
  ['To-tag in key format names a server entity', request('BYE', { toTag: SERVER_KEY }), `server ${SERVER_KEY}`],
  ['Call-ID in key format names a client entity', request('BYE', { toTag: 'abc', callId: CLIENT_KEY }), `client ${CLIENT_KEY}`],
  ['To-tag wins over Call-ID', request('INFO', { toTag: SERVER_KEY, callId: CLIENT_KEY }), `server ${SERVER_KEY}`],
  ['a foreign To-tag and Call-ID is not B2B', request('BYE', { toTag: 'zzz' }), 'not-b2b'],
  ['another prefix is not ours', request('BYE', { toTag: 'B2C.12.0.1000.77' }), 'not-b2b'],
  ['a key naming a bucket beyond the table is not ours', request('BYE', { toTag: 'B2B.9999.0.1000.77' }), 'not-b2b'],
  ['UPDATE without a key searches early dialogs', request('UPDATE', { toTag: 'zzz' }), 'early-search'],
  ['PRACK without a key searches early dialogs', request('PRACK', { toTag: 'zzz' }), 'early-search'],
  ['a non-local R-URI is not B2B', request('BYE', { toTag: SERVER_KEY, uri: 'sip:bob@10.9.9.9' }), 'not-b2b'],
  ['ACK skips the R-URI check', request('ACK', { toTag: SERVER_KEY, uri: 'sip:bob@10.9.9.9' }), `server ${SERVER_KEY}`],
  ['CANCEL skips the R-URI check', request('CANCEL', { toTag: SERVER_KEY, uri: 'sip:bob@10.9.9.9' }), `server ${SERVER_KEY}`],
  ['one local Route is fine', request('BYE', { toTag: SERVER_KEY, routes: ['<sip:10.0.0.1;lr>'] }), `server ${SERVER_KEY}`],
  ['two local Routes are fine', request('BYE', { toTag: SERVER_KEY, routes: ['<sip:10.0.0.1;lr>', '<sip:10.0.0.1:5070;lr>'] }), `server ${SERVER_KEY}`],
  ['a non-local first Route is proxied', request('BYE', { toTag: SERVER_KEY, routes: ['<sip:10.0.0.5;lr>'] }), 'not-b2b'],
  ['a non-local second Route is proxied', request('BYE', { toTag: SERVER_KEY, routes: ['<sip:10.0.0.1;lr>', '<sip:10.0.0.5;lr>'] }), 'not-b2b'],
  ['three Routes are proxied', request('BYE', { toTag: SERVER_KEY, routes: ['<sip:10.0.0.1;lr>', '<sip:10.0.0.1;lr>', '<sip:10.0.0.1;lr>'] }), 'not-b2b'],
];

for (const [name, req, expected] of table) {
  t.test(name, async (t) => {
    const match = matchRequest(req, parsers, isLocal);
    t.equal(match.kind === 'server' || match.kind === 'client' ? `${match.kind} ${match.key}` : match.kind, expected);
  });
}

t.test('responses are matched by Call-ID (client) or From-tag (server re-INVITE)', async (t) => {
  const base = ['Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKy', 'To: <sip:b@y>;tag=far', 'CSeq: 3 INVITE'];
  const toClient = responseFixture(['SIP/2.0 200 OK', ...base, 'From: <sip:a@x>;tag=mine', `Call-ID: ${CLIENT_KEY}`]);
  const toServer = responseFixture(['SIP/2.0 200 OK', ...base, `From: <sip:a@x>;tag=${SERVER_KEY}`, 'Call-ID: abc']);
  const foreign = responseFixture(['SIP/2.0 200 OK', ...base, 'From: <sip:a@x>;tag=x', 'Call-ID: abc']);
  t.equal(matchResponse(toClient, parsers).kind, 'client');
  t.equal(matchResponse(toServer, parsers).kind, 'server');
  t.equal(matchResponse(foreign, parsers).kind, 'not-b2b');
});
