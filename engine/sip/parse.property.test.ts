import t from 'tap';
import fc from 'fast-check';
import { assertProperty } from '../../test/support/assert-property';
import { createRequest, createResponseMessage } from './create-message';
import { parseMessage } from './parse-message';
import { serializeMessage } from './serialize';
import { StreamFramer } from './stream-framer';
import { formatUri, parseUri } from './uri';
import { formatNameAddr, parseNameAddr } from './name-addr';
import type { SipMessage } from './message';
import type { NameAddr, SipUri } from './types';

const token = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9!%*_+`'~.-]{0,11}$/);
const method = fc.stringMatching(/^[A-Z][A-Z0-9_-]{0,9}$/);
const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/);
const domain = fc.array(label, { minLength: 1, maxLength: 3 }).map((l) => l.join('.'));
const ipv6 = fc.ipV6();
const anyText = fc.string({ unit: 'grapheme', maxLength: 12 });
const paramName = fc.stringMatching(/^[a-z][a-z0-9-]{0,7}$/);

const sipUri: fc.Arbitrary<SipUri> = fc.record({
  scheme: fc.constantFrom('sip' as const, 'sips' as const),
  user: fc.option(anyText.filter((s) => s.length > 0), { nil: undefined }),
  host: fc.oneof(domain.map((h) => ({ host: h, isIpv6: false })), ipv6.map((h) => ({ host: h, isIpv6: true }))),
  port: fc.option(fc.integer({ min: 0, max: 65535 }), { nil: undefined }),
  params: fc.uniqueArray(fc.tuple(paramName, fc.option(anyText, { nil: null })), { selector: (p) => p[0], maxLength: 3 }),
  headers: fc.uniqueArray(fc.tuple(paramName, anyText), { selector: (p) => p[0], maxLength: 2 }),
}).map((r) => {
  const uri: { -readonly [K in keyof SipUri]: SipUri[K] } = {
    scheme: r.scheme, host: r.host.host, isIpv6: r.host.isIpv6, params: new Map(r.params), headers: new Map(r.headers),
  };
  if (r.user !== undefined) uri.user = r.user;
  if (r.port !== undefined) uri.port = r.port;
  return uri;
});

const safeValue = fc.stringMatching(/^[!-~]([ -~]{0,40}[!-~])?$/);
const extraHeaders = fc.array(fc.tuple(token.map((n) => `X-${n}`), safeValue), { maxLength: 8 });
const body = fc.uint8Array({ maxLength: 300 });

function mandatory(m: string, seq: number, tag: string): Array<[string, string]> {
  return [
    ['Via', `SIP/2.0/UDP host.example.com:5060;branch=z9hG4bK${tag}`],
    ['Max-Forwards', '70'],
    ['From', `"Caller" <sip:caller@example.com>;tag=${tag}`],
    ['To', '<sip:callee@example.com>'],
    ['Call-ID', `${tag}@example.com`],
    ['CSeq', `${seq} ${m}`],
  ];
}

function sameMessage(a: SipMessage, b: SipMessage): boolean {
  const lines = (m: SipMessage) => m.headers.filter((h) => h.key !== 'content-length').map((h) => `${h.name}: ${h.value}`);
  const start = (m: SipMessage) => (m.kind === 'request' ? `${m.method} ${m.uriText}` : `${m.status} ${m.reason}`);
  return start(a) === start(b) && JSON.stringify(lines(a)) === JSON.stringify(lines(b))
    && Buffer.compare(Buffer.from(a.body), Buffer.from(b.body)) === 0 && b.contentLength === a.body.length;
}

t.test('generated requests serialize and re-parse to the same message', async (t) => {
  await assertProperty(t, fc.property(method, sipUri.map((u) => ({ ...u, headers: new Map<string, string>() })), fc.integer({ min: 0, max: 2 ** 31 - 1 }), token, extraHeaders, body, (m, uri, seq, tag, extra, b) => {
    const req = createRequest({ method: m, uri, headers: [...mandatory(m, seq, tag), ...extra], body: b });
    const parsed = parseMessage(serializeMessage(req));
    if (!parsed.ok) throw new Error(`${parsed.error.code}: ${parsed.error.reason}`);
    if (!sameMessage(req, parsed.message)) throw new Error('round trip changed the message');
    if (parsed.message.kind !== 'request') throw new Error('kind changed');
    t.same(parsed.message.uri, uri);
    return parsed.message.cseq.seq === seq;
  }), { numRuns: 400 }, '400 generated requests round-tripped');
});

t.test('generated responses serialize and re-parse to the same message', async (t) => {
  const reason = fc.stringMatching(/^[ -~]{0,30}$/);
  await assertProperty(t, fc.property(fc.integer({ min: 100, max: 699 }), reason, token, extraHeaders, body, (status, phrase, tag, extra, b) => {
    const res = createResponseMessage({ status, reason: phrase, headers: [...mandatory('INVITE', 1, tag), ...extra], body: b });
    const parsed = parseMessage(serializeMessage(res));
    return parsed.ok && sameMessage(res, parsed.message);
  }), { numRuns: 400 }, '400 generated responses round-tripped');
});

t.test('URIs and name-addrs round-trip through format and parse', async (t) => {
  fc.assert(fc.property(sipUri, (uri) => {
    t.same(parseUri(formatUri(uri)), uri);
    return true;
  }), { numRuns: 300 });
  const nameAddr: fc.Arbitrary<NameAddr> = fc.record({
    displayName: fc.option(anyText, { nil: undefined }),
    uri: sipUri,
    params: fc.uniqueArray(fc.tuple(paramName, fc.option(token, { nil: null })), { selector: (p) => p[0], maxLength: 3 }).map((p) => new Map(p)),
  }).map((r) => (r.displayName === undefined ? { uri: r.uri, params: r.params } : r));
  fc.assert(fc.property(nameAddr, (v) => {
    t.same(parseNameAddr(formatNameAddr(v)), v);
    return true;
  }), { numRuns: 300 });
});

type Mutation = { kind: 'flip' | 'insert' | 'delete' | 'truncate'; at: number; byte: number; length: number };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('flip' as const, 'insert' as const, 'delete' as const, 'truncate' as const),
  at: fc.nat(), byte: fc.constantFrom(0, 9, 10, 13, 32, 34, 44, 58, 59, 60, 62, 64, 0x80, 0xff, 0x41), length: fc.integer({ min: 1, max: 20 }),
});

function mutate(bytes: Buffer, ms: readonly Mutation[]): Buffer {
  let out = bytes;
  for (const m of ms) {
    if (out.length === 0) break;
    const at = m.at % out.length;
    if (m.kind === 'flip') { out = Buffer.from(out); out[at] = m.byte; }
    else if (m.kind === 'insert') out = Buffer.concat([out.subarray(0, at), Buffer.from([m.byte]), out.subarray(at)]);
    else if (m.kind === 'delete') out = Buffer.concat([out.subarray(0, at), out.subarray(at + m.length)]);
    else out = out.subarray(0, at);
  }
  return out;
}

t.test('mutated messages never throw and never reach the catch-all', async (t) => {
  const seed = serializeMessage(createRequest({
    method: 'INVITE', uri: 'sip:bob@[2001:db8::1]:5070;transport=tcp',
    headers: [...mandatory('INVITE', 7, 'abc'), ['Contact', '<sip:a@b>;expires=60'], ['Route', '<sip:p;lr>, <sip:q;lr>'], ['Content-Type', 'application/sdp']],
    body: new Uint8Array(Buffer.from('v=0\r\ns=-\r\n')),
  }));
  await assertProperty(t, fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (ms) => {
    const bytes = mutate(Buffer.from(seed), ms);
    const r = parseMessage(bytes);
    if (!r.ok && r.error.code === 'internal') throw new Error(r.error.reason);
    if (r.ok) {
      const m = r.message;
      void [m.vias, m.contact, m.routes, m.recordRoutes, m.contentType, m.allow, m.maxForwards, m.reasons, m.wwwAuthenticate];
      parseMessage(serializeMessage(m));
    }
    const f = new StreamFramer();
    f.push(bytes.subarray(0, bytes.length >> 1));
    f.push(bytes.subarray(bytes.length >> 1));
    return true;
  }), { numRuns: 1000 }, '1000 mutated messages handled');
});
