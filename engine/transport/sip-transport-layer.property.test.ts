/** Bad network input never throws: arbitrary bytes and mutated messages into the transport layer, over UDP and TCP. */
import t from 'tap';
import fc from 'fast-check';
import { assertProperty } from '../../test/support/assert-property';
import { silentLogger } from '../ports/logger';
import type { ListenPoint } from './listen-point';
import { SipTransportLayer } from './sip-transport-layer';
import { FakeTransport, RecordingUser, sipText } from './test-support';

const points: ListenPoint[] = [
  { protocol: 'udp', local: { host: '192.0.2.10', port: 5060 }, advertised: { host: '192.0.2.10', port: 5060 } },
  { protocol: 'tcp', local: { host: '192.0.2.10', port: 5060 }, advertised: { host: '192.0.2.10', port: 5060 } },
];

const valid = Buffer.from(sipText([
  'INVITE sip:bob@192.0.2.10 SIP/2.0',
  'Via: SIP/2.0/UDP 10.0.0.5:5060;rport;branch=z9hG4bK1',
  'Max-Forwards: 70',
  'From: <sip:alice@example.com>;tag=a1',
  'To: <sip:bob@example.com>',
  'Call-ID: c@x',
  'CSeq: 1 INVITE',
  'Content-Length: 4',
], 'body'));

const mutated = fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 }), fc.constantFrom('flip', 'delete', 'insert', 'truncate'))
  .map(([at, byte, op]) => {
    switch (op) {
      case 'flip': { const b = Buffer.from(valid); b[at] = byte; return b; }
      case 'delete': return Buffer.concat([valid.subarray(0, at), valid.subarray(at + 1)]);
      case 'insert': return Buffer.concat([valid.subarray(0, at), Buffer.from([byte]), valid.subarray(at)]);
      default: return valid.subarray(0, at);
    }
  });

const input = fc.oneof(fc.uint8Array({ maxLength: 400 }), mutated);

t.test('any datagram: no throw, and anything delivered has a stamped Via', async (t) => {
  await assertProperty(t, fc.property(input, (data) => {
    const user = new RecordingUser();
    const layer = new SipTransportLayer({ transport: new FakeTransport(), listen: points, user, logger: silentLogger });
    layer.receive({ protocol: 'udp', local: points[0]!.local, source: { host: '198.51.100.7', port: 4000 }, data });
    return user.requests.every((r) => r.request.topVia.received === '198.51.100.7' || r.request.topVia.host === '198.51.100.7');
  }), { numRuns: 500 }, '500 runs');
});

t.test('any stream chunks: no throw, and a framing error closes only that connection', async (t) => {
  await assertProperty(t, fc.property(fc.array(input, { maxLength: 4 }), (chunks) => {
    const transport = new FakeTransport();
    const layer = new SipTransportLayer({ transport, listen: points, user: new RecordingUser(), logger: silentLogger });
    for (const data of chunks) layer.receive({ protocol: 'tcp', local: points[1]!.local, source: { host: '198.51.100.7', port: 4000 }, connectionId: 's1', data });
    return transport.closed.every((id) => id === 's1') && layer.bufferedConnectionCount <= 1;
  }), { numRuns: 300 }, '300 runs');
});
