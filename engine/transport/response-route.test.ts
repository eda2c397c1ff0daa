import t from 'tap';
import type { Via } from '../sip/types';
import { routeResponse } from './response-route';
import type { ReceiveContext } from './transport-layer';

const udp: ReceiveContext = { protocol: 'udp', local: { host: '192.0.2.10', port: 5060 }, source: { host: '198.51.100.7', port: 40000 } };
const tcp: ReceiveContext = { ...udp, protocol: 'tcp', connectionId: 'c1' };

function via(fields: Partial<Via>): Via {
  return { protocol: 'SIP/2.0', transport: 'UDP', host: '198.51.100.7', params: new Map(), ...fields };
}

// The §18.2.2 / RFC 3581 §4 routing table.
const table: Array<[string, Via, ReceiveContext, boolean, object]> = [
  ['UDP, no received, sent-by port', via({ port: 5070 }), udp, false, { destination: { host: '198.51.100.7', port: 5070 } }],
  ['UDP, no port: default 5060', via({}), udp, false, { destination: { host: '198.51.100.7', port: 5060 } }],
  ['UDP, received without rport: received at sent-by port', via({ host: '10.0.0.1', port: 5080, received: '198.51.100.7' }), udp, false, { destination: { host: '198.51.100.7', port: 5080 } }],
  ['UDP, received + rport: received at rport', via({ host: '10.0.0.1', port: 5080, received: '198.51.100.7', rport: 40000 }), udp, false, { destination: { host: '198.51.100.7', port: 40000 } }],
  ['UDP, rport flag unfilled: sent-by port', via({ port: 5080, rport: true }), udp, false, { destination: { host: '198.51.100.7', port: 5080 } }],
  ['UDP, maddr wins over received', via({ port: 5090, received: '198.51.100.7', rport: 4000, maddr: '239.1.1.1' }), udp, false, { destination: { host: '239.1.1.1', port: 5090 } }],
  ['TCP: the same connection, reconnect target received at sent-by port', via({ host: '10.0.0.1', port: 5071, received: '198.51.100.7', rport: 40000, transport: 'TCP' }), tcp, true, { connectionId: 'c1', destination: { host: '198.51.100.7', port: 5071 } }],
  ['TCP without received: sent-by, default port', via({ transport: 'TCP' }), { ...tcp }, true, { connectionId: 'c1', destination: { host: '198.51.100.7', port: 5060 } }],
  ['TLS default port is 5061', via({ transport: 'TLS' }), { ...tcp, protocol: 'tls' }, true, { protocol: 'tls', destination: { port: 5061 } }],
];

t.test('response routing table', async (t) => {
  for (const [name, v, context, reliable, expected] of table) {
    const route = routeResponse(v, context, reliable);
    t.ok(route.ok, name);
    t.match(route, { ok: true, local: context.local, ...expected }, name);
  }
});

t.test('UDP responses without a connection carry no connection id', async (t) => {
  const route = routeResponse(via({}), udp, false);
  t.ok(route.ok && !('connectionId' in route));
});

t.test('no route for a name without received, or a maddr name', async (t) => {
  t.match(routeResponse(via({ host: 'pc33.example.com' }), udp, false), { ok: false, code: 'no-route' });
  t.match(routeResponse(via({ maddr: 'mcast.example.com' }), udp, false), { ok: false, code: 'no-route' });
});
