/** Two SipTransportLayers on real loopback sockets: SIP round trips over UDP, TCP and IPv6, connection reuse, connect failures. */
import t from 'tap';
import { networkInterfaces } from 'node:os';
import { createServer } from 'node:net';
import { silentLogger } from '../ports/logger';
import { createResponse, parseMessage } from '../sip';
import type { SipRequest } from '../sip/message';
import { RecordingUser, sipText } from '../transport/test-support';
import type { TransportProtocol } from '../ports/transport';
import { openSipSocketStack, type SipSocketStack } from './sip-socket-stack';

const hasIpv6Loopback = Object.values(networkInterfaces()).some((list) => (list ?? []).some((i) => i.family === 'IPv6' && i.address === '::1'));

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function options(branch: string, body = ''): SipRequest {
  const parsed = parseMessage(Buffer.from(sipText([
    'OPTIONS sip:b@example.com SIP/2.0',
    `Via: SIP/2.0/UDP to-be-filled;branch=${branch}`,
    'Max-Forwards: 70',
    'From: <sip:a@example.com>;tag=f1',
    'To: <sip:b@example.com>',
    `Call-ID: ${branch}@example.com`,
    'CSeq: 1 OPTIONS',
    ...(body ? ['Content-Type: text/plain'] : []),
    `Content-Length: ${Buffer.byteLength(body)}`,
  ], body)));
  if (!parsed.ok || parsed.message.kind !== 'request') throw new Error('fixture does not parse');
  return parsed.message;
}

async function pair(t: tap.Test, listen: readonly string[], extra: { tcpIdleTimeoutMs?: number } = {}) {
  const ua = new RecordingUser();
  const ub = new RecordingUser();
  const a = await openSipSocketStack({ listen, user: ua, logger: silentLogger, ...extra });
  const b = await openSipSocketStack({ listen, user: ub, logger: silentLogger, ...extra });
  t.teardown(() => Promise.all([a.close(), b.close()]));
  return { a, b, ua, ub };
}

function pointOf(stack: SipSocketStack, protocol: TransportProtocol) {
  const p = stack.transport.listenPoints.find((x) => x.protocol === protocol);
  if (p === undefined) throw new Error(`no ${protocol} point`);
  return p;
}

async function roundTrip(t: tap.Test, listen: readonly string[], protocol: TransportProtocol, body = '') {
  const { a, b, ua, ub } = await pair(t, listen);
  const bPoint = pointOf(b, protocol);
  const { outcome, sent } = a.layer.sendRequest(options(`z9hG4bK${protocol}`, body), { protocol: protocol, address: bPoint.local });
  t.match(outcome, { ok: true });
  await until(() => ub.requests.length === 1, 'the request at b');
  const { request, context } = ub.requests[0]!;
  t.equal(request.topVia.branch, sent.topVia.branch);
  t.equal(request.topVia.port, pointOf(a, outcome.ok ? outcome.protocol : protocol).advertised.port, 'sent-by carries a\'s advertised port');
  t.same(context.source.host, bPoint.local.host);
  t.match(b.layer.sendResponse(createResponse(request, 200), context), { ok: true });
  await until(() => ua.responses.length === 1, 'the response at a');
  t.equal(ua.responses[0]!.response.status, 200);
  t.equal(ua.responses[0]!.response.callId, request.callId);
  return { a, b, ua, ub, request, context };
}

t.test('UDP round trip of a SIP request and its response', async (t) => {
  const { request, context } = await roundTrip(t, ['udp:127.0.0.1:0'], 'udp');
  t.equal(request.topVia.rport, context.source.port, 'rport is filled with the source port (RFC 3581)');
  t.equal(request.topVia.received, '127.0.0.1');
});

t.test('TCP round trip: the response reuses the request\'s connection', async (t) => {
  const { a, b, context } = await roundTrip(t, ['tcp:127.0.0.1:0'], 'tcp');
  t.type(context.connectionId, 'string');
  t.equal(a.transport.connectionCount, 1, 'a opened one connection');
  t.equal(b.transport.connectionCount, 1, 'b answered on it rather than opening its own');
});

t.test('TCP: a response after the connection closed reconnects to the sent-by port', async (t) => {
  const { a, b, ua, ub } = await pair(t, ['tcp:127.0.0.1:0']);
  a.layer.sendRequest(options('z9hG4bKre'), { protocol: 'tcp', address: pointOf(b, 'tcp').local });
  await until(() => ub.requests.length === 1, 'the request');
  const { request, context } = ub.requests[0]!;
  b.transport.closeConnection(context.connectionId!);
  await until(() => a.transport.connectionCount === 0 && b.transport.connectionCount === 0, 'the close');
  t.match(b.layer.sendResponse(createResponse(request, 200), context), { ok: true });
  await until(() => ua.responses.length === 1, 'the response over a new connection');
  t.equal(ua.responses[0]!.context.protocol, 'tcp');
  t.not(ua.responses[0]!.context.connectionId, undefined);
});

t.test('an oversized UDP request crosses over TCP when both are open', async (t) => {
  const { ub } = await roundTrip(t, ['udp:127.0.0.1:0', 'tcp:127.0.0.1:0'], 'udp', 'x'.repeat(2000));
  t.equal(ub.requests[0]!.context.protocol, 'tcp');
  t.equal(ub.requests[0]!.request.topVia.transport, 'TCP');
  t.equal(ub.requests[0]!.request.body.length, 2000);
});

t.test('IPv6 loopback round trips over UDP and TCP', { skip: hasIpv6Loopback ? false : 'this machine has no ::1 interface' }, async (t) => {
  const udp = await roundTrip(t, ['udp:[::1]:0'], 'udp');
  t.equal(udp.context.source.host, '::1');
  const tcp = await roundTrip(t, ['tcp:[::1]:0'], 'tcp');
  t.equal(tcp.request.topVia.host, '::1');
});

t.test('a refused TCP connect surfaces as a transport error', async (t) => {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const user = new RecordingUser();
  const a = await openSipSocketStack({ listen: ['tcp:127.0.0.1:0'], user, logger: silentLogger });
  t.teardown(() => a.close());
  const { outcome } = a.layer.sendRequest(options('z9hG4bKrefused'), { protocol: 'tcp', address: { host: '127.0.0.1', port } });
  t.match(outcome, { ok: true }, 'the send itself is queued');
  await until(() => user.errors.length === 1, 'the transport error');
  t.match(user.errors[0], { destination: { protocol: 'tcp', address: { host: '127.0.0.1', port } }, reason: /^connection-refused/ });
});
