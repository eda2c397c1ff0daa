/** Next-hop resolution of IP-literal URIs (RFC 3261 §8.1.2, RFC 3263 §4). */
import t from 'tap';
import { parseUri } from '../sip';
import { literalNextHop } from './next-hop';

t.test('next hop from a URI (§8.1.2, RFC 3263 §4 for literals)', async (t) => {
  const table: [string, string | undefined][] = [
    ['sip:bob@192.0.2.1', 'udp 192.0.2.1:5060'],
    ['sip:bob@192.0.2.1:5070;transport=TCP', 'tcp 192.0.2.1:5070'],
    ['sips:bob@192.0.2.1', 'tls 192.0.2.1:5061'],
    ['sip:[2001:db8::1]:5080', 'udp 2001:db8::1:5080'],
    ['sip:p.example;maddr=192.0.2.7;lr', 'udp 192.0.2.7:5060'],
    ['sip:bob@192.0.2.1;transport=sctp', undefined],
    ['tel:+15551234', undefined],
  ];
  for (const [text, want] of table) {
    const hop = literalNextHop(parseUri(text)!);
    t.equal(hop === undefined ? undefined : `${hop.protocol} ${hop.address.host}:${hop.address.port}`, want, text);
  }
});
