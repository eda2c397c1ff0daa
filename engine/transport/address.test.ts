import t from 'tap';
import { addressFamily, expandIpv6, formatHostPort, isIpv4, sameHost } from './address';

t.test('IP literal detection', async (t) => {
  t.ok(isIpv4('192.0.2.1'));
  t.notOk(isIpv4('192.0.2.256'));
  t.notOk(isIpv4('01.2.3.4.5'));
  t.equal(addressFamily('::1'), 6);
  t.equal(addressFamily('2001:db8::10'), 6);
  t.equal(addressFamily('::ffff:192.0.2.1'), 6);
  t.equal(addressFamily('example.com'), undefined);
  t.equal(addressFamily('1:2:3'), undefined);
});

t.test('IPv6 expansion and comparison', async (t) => {
  t.equal(expandIpv6('::1'), '0000:0000:0000:0000:0000:0000:0000:0001');
  t.equal(expandIpv6('2001:DB8::10'), '2001:0db8:0000:0000:0000:0000:0000:0010');
  t.equal(expandIpv6('::ffff:192.0.2.1'), '0000:0000:0000:0000:0000:ffff:c000:0201');
  t.equal(expandIpv6('1:2:3:4:5:6:7:8:9'), undefined);
  t.equal(expandIpv6('1::2::3'), undefined);
  t.ok(sameHost('::1', '0:0:0:0:0:0:0:1'));
  t.ok(sameHost('2001:db8::a', '2001:DB8:0::A'));
  t.ok(sameHost('Example.COM', 'example.com'));
  t.notOk(sameHost('192.0.2.1', '192.0.2.2'));
  t.notOk(sameHost('::1', '::2'));
  t.equal(formatHostPort('::1', 5060), '[::1]:5060');
  t.equal(formatHostPort('a.b', undefined), 'a.b');
});
