/** The B2B stack with no script (issue 5 item 7): OPTIONS answered 200, other out-of-dialog requests 405, unknown in-dialog keys 481. */
import t from 'tap';
import { parseMessage } from '../../engine/sip';
import type { SipMessage } from '../../engine/sip/message';
import { isLocalUri, contactFor } from '../../engine/b2b/b2b-stack';
import { parseUri } from '../../engine/sip';
import { newWorld } from '../dialog/sim-ua';
import { addRawPeer } from '../dialog/raw-host';
import { B2B_ADDRESS, addB2b, b2bLeftovers } from './sim-b2b';

function request(method: string, branch: string): SipMessage {
  const text = [
    `${method} sip:x@${B2B_ADDRESS}:5060 SIP/2.0`, `Via: SIP/2.0/UDP 10.0.0.7:5060;branch=z9hG4bK${branch}`, 'Max-Forwards: 70',
    'From: <sip:p@10.0.0.7>;tag=p1', `To: <sip:x@${B2B_ADDRESS}>`, `Call-ID: ${branch}@raw`, `CSeq: 1 ${method}`, 'Content-Length: 0', '', '',
  ].join('\r\n');
  const parsed = parseMessage(new TextEncoder().encode(text));
  if (!parsed.ok) throw new Error('bad test message');
  return parsed.message;
}

t.test('OPTIONS gets 200 and MESSAGE 405 from the default delegate', async (t) => {
  const world = newWorld(31);
  const b2b = addB2b(world);
  const statuses: number[] = [];
  const peer = addRawPeer(world, 'raw', '10.0.0.7', (_p, message) => { if (message.kind === 'response') statuses.push(message.status); });
  peer.app.send(request('OPTIONS', 'o1'), { host: B2B_ADDRESS, port: 5060 });
  peer.app.send(request('MESSAGE', 'm1'), { host: B2B_ADDRESS, port: 5060 });
  world.runSync();
  t.same(statuses.filter((s) => s >= 200).sort(), [200, 405]);
  t.same(b2bLeftovers(b2b.app), []);
});

t.test('isLocalUri and contactFor follow the listen points', async (t) => {
  const listen = [
    { protocol: 'udp' as const, local: { host: '0.0.0.0', port: 5060 }, advertised: { host: '192.0.2.1', port: 5060 } },
    { protocol: 'tcp' as const, local: { host: '0.0.0.0', port: 5070 }, advertised: { host: '192.0.2.1', port: 5070 } },
  ];
  t.ok(isLocalUri(listen, parseUri('sip:b2b@192.0.2.1')!));
  t.ok(isLocalUri(listen, parseUri('sip:192.0.2.1:5070;transport=tcp')!));
  t.notOk(isLocalUri(listen, parseUri('sip:192.0.2.1:5080')!));
  t.notOk(isLocalUri(listen, parseUri('sip:bob@198.51.100.1')!));
  const received = { protocol: 'tcp' as const, local: { host: '192.0.2.1', port: 5070 }, source: { host: '198.51.100.1', port: 40000 } };
  t.equal(contactFor(listen, received), '<sip:192.0.2.1:5070;transport=tcp>');
  t.equal(contactFor(listen, { ...received, protocol: 'udp', local: { host: '192.0.2.1', port: 5060 } }, 'alice'), '<sip:alice@192.0.2.1:5060>');
});
