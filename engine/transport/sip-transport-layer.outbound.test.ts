/** SipTransportLayer, outbound side over an in-memory Transport: §18.1.1 Via and MTU rules, §18.2.2 response routing, failures, config. */
import t from 'tap';
import { silentLogger } from '../ports/logger';
import type { InboundPacket } from '../ports/transport';
import { createResponse } from '../sip';
import { SipTransportLayer } from './sip-transport-layer';
import { FakeTransport, RecordingUser } from './test-support';
import { invite, parsed, request, setup, tcpPoint, udp6Point, udpIn, udpPoint } from './layer-fixtures';

t.test('§18.2.2 response routing through sendResponse', async (t) => {
  const rows: Array<[string, string, InboundPacket, object]> = [
    ['UDP without rport: received at the sent-by port', 'SIP/2.0/UDP 10.0.0.5:5070;branch=z9hG4bK1', udpIn('', { host: '198.51.100.7', port: 40000 }), { protocol: 'udp', destination: { host: '198.51.100.7', port: 5070 } }],
    ['UDP with rport: received at the source port', 'SIP/2.0/UDP 10.0.0.5:5070;rport;branch=z9hG4bK1', udpIn('', { host: '198.51.100.7', port: 40000 }), { protocol: 'udp', destination: { host: '198.51.100.7', port: 40000 } }],
    ['UDP, sent-by matches source, no port: 5060', 'SIP/2.0/UDP 198.51.100.7;branch=z9hG4bK1', udpIn('', { host: '198.51.100.7', port: 40000 }), { destination: { host: '198.51.100.7', port: 5060 } }],
    ['TCP: the same connection, reconnect address received + sent-by port',
      'SIP/2.0/TCP 10.0.0.5:5071;rport;branch=z9hG4bK1',
      { protocol: 'tcp', local: tcpPoint.local, source: { host: '198.51.100.7', port: 40100 }, connectionId: 'c7', data: new Uint8Array() },
      { protocol: 'tcp', connectionId: 'c7', destination: { host: '198.51.100.7', port: 5071 } }],
  ];
  for (const [name, via, inbound, expected] of rows) {
    const { layer, user, transport } = setup();
    layer.receive({ ...inbound, data: Buffer.from(invite(via)) });
    const { request: req, context } = user.requests[0]!;
    const outcome = layer.sendResponse(createResponse(req, 180), context);
    t.match(outcome, { ok: true }, name);
    t.equal(transport.sent.length, 1, name);
    t.match(transport.sent[0], { local: inbound.local, ...expected }, name);
    const sent = parsed(transport.sent[0]!.data);
    t.equal(sent.kind === 'response' && sent.status, 180, `${name}: the bytes are the response`);
  }
});

t.test('§18.2.2: a response with no usable route is refused, not sent', async (t) => {
  const { layer, transport } = setup();
  const req = request(invite('SIP/2.0/UDP pc33.example.com;branch=z9hG4bK1'));
  const outcome = layer.sendResponse(createResponse(req, 200), { protocol: 'udp', local: udpPoint.local, source: { host: '198.51.100.7', port: 5060 } });
  t.match(outcome, { ok: false, code: 'no-route' });
  t.equal(transport.sent.length, 0);
});

t.test('§18.1.1 / RFC 3581: outbound requests get our sent-by, transport token and rport', async (t) => {
  const { layer, transport } = setup([udpPoint, tcpPoint, udp6Point]);
  const req = request(invite('SIP/2.0/UDP placeholder;branch=z9hG4bKout;x=1'));
  const { outcome, sent, bytes } = layer.sendRequest(req, { protocol: 'udp', address: { host: '198.51.100.7', port: 5060 } });
  t.match(outcome, { ok: true, protocol: 'udp', destination: { host: '198.51.100.7', port: 5060 } });
  t.match(sent.topVia, { transport: 'UDP', host: '192.0.2.10', port: 5060, rport: true, branch: 'z9hG4bKout' });
  t.match(sent.topVia.params, new Map([['x', '1']]));
  t.match(transport.sent[0], { protocol: 'udp', local: udpPoint.local, destination: { host: '198.51.100.7', port: 5060 } });
  t.same(Buffer.from(transport.sent[0]!.data), Buffer.from(bytes!), 'the bytes returned are the bytes sent');
  t.equal(parsed(transport.sent[0]!.data).topVia.host, '192.0.2.10');

  const v6 = layer.sendRequest(req, { protocol: 'udp', address: { host: '2001:db8::7', port: 5060 } });
  t.match(v6.sent.topVia, { host: '2001:db8::10', port: 5062 });
  t.match(transport.sent[1], { local: udp6Point.local });

  const tcp = layer.sendRequest(req, { protocol: 'tcp', address: { host: '198.51.100.7', port: 5060 }, connectionId: 'c3' });
  t.match(tcp.sent.topVia, { transport: 'TCP' });
  t.match(transport.sent[2], { protocol: 'tcp', connectionId: 'c3' }, 'the connection id is kept for reuse');

  const noRport = setup([udpPoint], { addRport: false });
  t.equal(noRport.layer.sendRequest(req, { protocol: 'udp', address: { host: '198.51.100.7', port: 5060 } }).sent.topVia.rport, undefined);
});

t.test('outbound requests with no listen point for the transport or family fail synchronously', async (t) => {
  const { layer, transport } = setup([udpPoint]);
  const req = request(invite('SIP/2.0/UDP x;branch=z9hG4bK1'));
  t.match(layer.sendRequest(req, { protocol: 'tcp', address: { host: '198.51.100.7', port: 5060 } }).outcome, { ok: false, code: 'unsupported-transport' });
  t.match(layer.sendRequest(req, { protocol: 'udp', address: { host: '2001:db8::7', port: 5060 } }).outcome, { ok: false, code: 'unsupported-transport' });
  t.equal(transport.sent.length, 0);
});

t.test('§18.1.1: a UDP request over 1300 bytes switches to TCP and its Via follows', async (t) => {
  const big = request(invite('SIP/2.0/UDP x;branch=z9hG4bKbig', ['Content-Type: application/sdp'], 'v=0\r\n'.repeat(300)));
  const small = request(invite('SIP/2.0/UDP x;branch=z9hG4bKsmall'));
  const { layer, transport } = setup();
  const r = layer.sendRequest(big, { protocol: 'udp', address: { host: '198.51.100.7', port: 5060 } });
  t.match(r.outcome, { ok: true, protocol: 'tcp' });
  t.equal(r.sent.topVia.transport, 'TCP');
  t.equal(transport.sent[0]!.protocol, 'tcp');
  t.ok(transport.sent[0]!.data.length > 1300);
  t.match(layer.sendRequest(small, { protocol: 'udp', address: { host: '198.51.100.7', port: 5060 } }).outcome, { protocol: 'udp' });

  const pathMtu = setup(undefined, { pathMtuBytes: 1000 });
  const medium = request(invite('SIP/2.0/UDP x;branch=z9hG4bKm', [], 'x'.repeat(650)));
  t.match(pathMtu.layer.sendRequest(medium, { protocol: 'udp', address: { host: '198.51.100.7', port: 5060 } }).outcome, { protocol: 'tcp' }, 'within 200 bytes of a known path MTU');
  t.ok(pathMtu.transport.sent[0]!.data.length > 800 && pathMtu.transport.sent[0]!.data.length < 1300, 'the medium request sits between the two thresholds');

  const udpOnly = setup([udpPoint]);
  t.match(udpOnly.layer.sendRequest(big, { protocol: 'udp', address: { host: '198.51.100.7', port: 5060 } }).outcome, { ok: true, protocol: 'udp' }, 'default: sent anyway');
  t.equal(udpOnly.transport.sent.length, 1);

  const rejecting = setup([udpPoint], { oversizeUdp: 'reject' });
  t.match(rejecting.layer.sendRequest(big, { protocol: 'udp', address: { host: '198.51.100.7', port: 5060 } }).outcome, { ok: false, code: 'too-large' });
  t.equal(rejecting.transport.sent.length, 0);
});

t.test('resend sends the given bytes from the matching listen point', async (t) => {
  const { layer, transport } = setup();
  const bytes = Buffer.from('retransmission');
  layer.resend(bytes, { protocol: 'udp', address: { host: '198.51.100.7', port: 5060 } });
  t.match(transport.sent[0], { protocol: 'udp', local: udpPoint.local, data: bytes });
});

t.test('late transport failures reach the user as transport errors', async (t) => {
  const { layer, user, transport } = setup();
  const req = request(invite('SIP/2.0/UDP x;branch=z9hG4bK1'));
  layer.sendRequest(req, { protocol: 'tcp', address: { host: '198.51.100.7', port: 5060 }, connectionId: 'c1' });
  transport.fail({ kind: 'connection-refused', destination: { host: '198.51.100.7', port: 5060 }, detail: 'ECONNREFUSED' }, transport.sent[0]!);
  t.same(user.errors, [{ destination: { protocol: 'tcp', address: { host: '198.51.100.7', port: 5060 }, connectionId: 'c1' }, reason: 'connection-refused: ECONNREFUSED' }]);
});

t.test('bad config is refused at construction with a coded error', async (t) => {
  t.throws(() => setup(undefined, { udpMtuBytes: 10 }), { code: 'bad-transport-config' });
  t.throws(() => setup(undefined, { pathMtuBytes: 100 }), { code: 'bad-transport-config' });
  t.throws(() => setup(undefined, { oversizeUdp: 'drop' as 'send' }), { code: 'bad-transport-config' });
  t.throws(() => setup([]), { code: 'bad-transport-config' });
  const transport = new FakeTransport();
  t.throws(() => new SipTransportLayer({ transport, listen: [udpPoint], user: new RecordingUser(), logger: silentLogger, limits: { maxMessageBytes: 1 } }), { code: 'bad-transport-config', message: /maxMessageBytes/ });
});
