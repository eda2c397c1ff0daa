/** SipTransportLayer, inbound side over an in-memory Transport: §18.2.1 stamping, §18.1.2 sent-by check, 400s, §18.3 stream framing. */
import t from 'tap';
import type { InboundPacket } from '../ports/transport';
import { invite, parsed, response, setup, tcpPoint, udpIn, udpPoint } from './layer-fixtures';

t.test('§18.2.1 / RFC 3581: received and rport stamping on inbound requests', async (t) => {
  const cases: Array<[string, string, { host: string; port: number }, object]> = [
    ['sent-by equals source: untouched', 'SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK1', { host: '198.51.100.7', port: 5060 }, { host: '198.51.100.7', received: undefined, rport: undefined }],
    ['sent-by IP differs: received', 'SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK1', { host: '198.51.100.7', port: 5060 }, { host: '10.0.0.5', received: '198.51.100.7', rport: undefined }],
    ['sent-by is a name: received', 'SIP/2.0/UDP pc33.example.com;branch=z9hG4bK1', { host: '198.51.100.7', port: 5060 }, { host: 'pc33.example.com', received: '198.51.100.7' }],
    ['rport asked, same IP: received too (RFC 3581 §4)', 'SIP/2.0/UDP 198.51.100.7:5060;rport;branch=z9hG4bK1', { host: '198.51.100.7', port: 40001 }, { received: '198.51.100.7', rport: 40001 }],
    ['rport asked behind NAT', 'SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK1;rport', { host: '198.51.100.7', port: 40002 }, { received: '198.51.100.7', rport: 40002, branch: 'z9hG4bK1' }],
    ['IPv6 source, same address written differently: untouched', 'SIP/2.0/UDP [2001:db8:0::7]:5060;branch=z9hG4bK1', { host: '2001:db8::7', port: 5060 }, { received: undefined }],
    ['IPv6 source differs: received without brackets', 'SIP/2.0/UDP [2001:db8::7]:5060;branch=z9hG4bK1', { host: '2001:db8::8', port: 5060 }, { received: '2001:db8::8' }],
  ];
  for (const [name, via, source, expected] of cases) {
    const { layer, user } = setup();
    layer.receive(udpIn(invite(via), source));
    t.equal(user.requests.length, 1, name);
    t.match(user.requests[0]!.request.topVia, expected, name);
    t.same(user.requests[0]!.context, { protocol: 'udp', local: udpPoint.local, source }, `${name}: context`);
  }
});

t.test('stamping edits only the top Via and keeps the others', async (t) => {
  const { layer, user } = setup();
  layer.receive(udpIn(invite('SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK1;rport, SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK0', ['Via: SIP/2.0/TCP 10.0.0.2;branch=z9hG4bKz'])));
  const vias = user.requests[0]!.request.vias;
  t.equal(vias.length, 3);
  t.match(vias[0], { received: '198.51.100.7', rport: 5060 });
  t.match(vias[1], { host: '10.0.0.1', received: undefined });
  t.match(vias[2], { host: '10.0.0.2', transport: 'TCP' });
});

t.test('§18.1.2: responses are delivered only when the top Via sent-by is ours', async (t) => {
  const { layer, user } = setup([udpPoint, { ...tcpPoint, advertised: { host: 'sip.example.net', port: 5080 } }]);
  layer.receive(udpIn(response('SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK1;received=203.0.113.1;rport=1024')));
  layer.receive(udpIn(response('SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK2')));
  layer.receive(udpIn(response('SIP/2.0/TCP SIP.example.NET:5080;branch=z9hG4bK3')));
  layer.receive(udpIn(response('SIP/2.0/UDP 192.0.2.10:5070;branch=z9hG4bK4')));
  layer.receive(udpIn(response('SIP/2.0/UDP 192.0.2.11:5060;branch=z9hG4bK5')));
  layer.receive(udpIn(response('SIP/2.0/TCP sip.example.net;branch=z9hG4bK6')));
  t.same(user.responses.map((r) => r.response.topVia.branch), ['z9hG4bK1', 'z9hG4bK2', 'z9hG4bK3']);
});

t.test('§18.2.1: an unparseable request gets a 400 back; unanswerable input is dropped', async (t) => {
  const { layer, user, transport } = setup();
  const bad = invite('SIP/2.0/UDP 10.0.0.5:5070;branch=z9hG4bK9;rport').replace('CSeq: 1 INVITE', 'CSeq: 1 OPTIONS');
  layer.receive(udpIn(bad, { host: '198.51.100.7', port: 40000 }));
  t.equal(user.requests.length, 0, 'not delivered');
  t.equal(transport.sent.length, 1, 'a 400 went out');
  const reply = parsed(transport.sent[0]!.data);
  t.equal(reply.kind === 'response' && reply.status, 400);
  t.equal(reply.callId, 'call-1@example.com');
  t.match(transport.sent[0], { protocol: 'udp', local: udpPoint.local, destination: { host: '198.51.100.7', port: 40000 } }, 'routed with rport semantics');

  layer.receive(udpIn('this is not SIP at all\r\n\r\n'));
  layer.receive(udpIn(invite('SIP/2.0/UDP 10.0.0.5;branch=z9hG4bK1').replace(/Call-ID: .*\r\n/, '').replace(/CSeq: .*\r\n/, '')));
  t.equal(user.requests.length, 0);
  t.equal(transport.sent.length, 1, 'garbage, and a request without Call-ID or CSeq, get nothing back');
});

t.test('RFC 4475 §3.3.1: a request missing Call-ID but with an intact Via and CSeq still gets a 400', async (t) => {
  const { layer, user, transport } = setup();
  layer.receive(udpIn(invite('SIP/2.0/UDP 10.0.0.5;branch=z9hG4bK1').replace(/Call-ID: .*\r\n/, '')));
  t.equal(user.requests.length, 0, 'not delivered');
  t.equal(transport.sent.length, 1, 'a 400 went out');
  const text = Buffer.from(transport.sent[0]!.data).toString('latin1');
  t.match(text, /^SIP\/2\.0 400 /, 'status line');
  t.match(text, /\r\nVia: SIP\/2\.0\/UDP 10\.0\.0\.5;branch=z9hG4bK1/, 'the Via is copied so the sender can match it');
  t.notMatch(text, /\r\nCall-ID:/i, 'no Call-ID is invented');
});

t.test('a malformed response is dropped without a reply', async (t) => {
  const { layer, user, transport } = setup();
  layer.receive(udpIn(response('SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK1').replace('CSeq: 1 INVITE', 'CSeq: x')));
  t.equal(user.responses.length, 0);
  t.equal(transport.sent.length, 0);
});

t.test('CRLF keep-alive datagrams are ignored', async (t) => {
  const { layer, user, transport } = setup();
  layer.receive(udpIn('\r\n\r\n'));
  t.equal(user.requests.length + user.responses.length + transport.sent.length, 0);
});

t.test('§18.3: TCP framing across chunk boundaries, per connection', async (t) => {
  const { layer, user } = setup();
  const one = invite('SIP/2.0/TCP 198.51.100.7:5060;branch=z9hG4bKa', ['Content-Type: text/plain'], 'hello body');
  const two = invite('SIP/2.0/TCP 198.51.100.7:5060;branch=z9hG4bKb');
  const stream = Buffer.from(one + two);
  const tcpIn = (connectionId: string, data: Uint8Array): InboundPacket => ({ protocol: 'tcp', local: tcpPoint.local, source: { host: '198.51.100.7', port: 40000 }, connectionId, data });
  for (let i = 0; i < stream.length; i++) layer.receive(tcpIn('c1', stream.subarray(i, i + 1)));
  t.same(user.requests.map((r) => r.request.topVia.branch), ['z9hG4bKa', 'z9hG4bKb'], 'byte by byte');
  t.equal(Buffer.from(user.requests[0]!.request.body).toString(), 'hello body');
  t.equal(user.requests[0]!.context.connectionId, 'c1');

  layer.receive(tcpIn('c2', stream.subarray(0, 100)));
  layer.receive(tcpIn('c3', Buffer.concat([Buffer.from('\r\n\r\n'), stream])));
  t.equal(user.requests.length, 4, 'two in one chunk on c3 after a keep-alive; c2 still partial');
  t.equal(layer.bufferedConnectionCount, 3);
  layer.receive(tcpIn('c2', stream.subarray(100)));
  t.equal(user.requests.length, 6);
  layer.connectionClosed('c2');
  t.equal(layer.bufferedConnectionCount, 2, 'a closed connection drops its buffer');
});

t.test('§18.3: a stream without Content-Length is a framing error and closes the connection', async (t) => {
  const { layer, user, transport } = setup();
  const noLength = invite('SIP/2.0/TCP 198.51.100.7;branch=z9hG4bKa').replace(/Content-Length: 0\r\n/, '');
  layer.receive({ protocol: 'tcp', local: tcpPoint.local, source: { host: '198.51.100.7', port: 40000 }, connectionId: 'bad', data: Buffer.from(noLength) });
  t.equal(user.requests.length, 0);
  t.same(transport.closed, ['bad']);
  t.equal(layer.bufferedConnectionCount, 0);
});

t.test('RFC 5626 §3.5.1: a CRLFCRLF ping on a stream gets a CRLF pong on the same connection', async (t) => {
  const { layer, transport, user } = setup();
  const source = { host: '198.51.100.7', port: 40000 };
  layer.receive({ protocol: 'tcp', local: tcpPoint.local, source, connectionId: 'k1', data: Buffer.from('\r\n\r\n') });
  t.equal(transport.sent.length, 1);
  t.match(transport.sent[0], { protocol: 'tcp', connectionId: 'k1', destination: source, local: tcpPoint.local });
  t.same(Buffer.from(transport.sent[0]!.data).toString(), '\r\n');
  t.equal(user.requests.length, 0);
});

t.test('a stream packet without a connection id is a programmer error', async (t) => {
  const { layer } = setup();
  t.throws(() => layer.receive({ protocol: 'tcp', local: tcpPoint.local, source: { host: '198.51.100.7', port: 1 }, data: new Uint8Array() }));
});
