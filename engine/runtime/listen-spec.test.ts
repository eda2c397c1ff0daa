import t from 'tap';
import { parseListenSpec } from './listen-spec';

t.test('valid specs', async (t) => {
  const cases: Array<[string, object]> = [
    ['udp:127.0.0.1:5060', { protocol: 'udp', host: '127.0.0.1', family: 4, port: 5060 }],
    ['TCP:[::1]:5070', { protocol: 'tcp', host: '::1', family: 6, port: 5070 }],
    ['udp:127.0.0.1:0', { protocol: 'udp', host: '127.0.0.1', family: 4, port: 0 }],
    ['udp:0.0.0.0:5060 as 203.0.113.5:5080', { host: '0.0.0.0', advertisedHost: '203.0.113.5', advertisedPort: 5080 }],
    ['tcp:[::]:5060 as sip.example.com', { host: '::', family: 6, advertisedHost: 'sip.example.com' }],
    ['udp:[2001:db8::1]:5060 as [2001:db8::2]:5062', { advertisedHost: '2001:db8::2', advertisedPort: 5062 }],
  ];
  for (const [text, expected] of cases) {
    const result = parseListenSpec(text);
    t.ok(result.ok, text);
    if (result.ok) t.match(result.spec, expected, text);
  }
});

t.test('invalid specs say why', async (t) => {
  const cases: Array<[string, string]> = [
    ['127.0.0.1:5060', 'unsupported-protocol'],
    ['sctp:127.0.0.1:5060', 'unsupported-protocol'],
    ['tls:127.0.0.1:5061', 'unsupported-protocol'],
    ['udp:127.0.0.1', 'bad-port'],
    ['udp:127.0.0.1:70000', 'bad-port'],
    ['udp:127.0.0.1:x', 'bad-port'],
    ['udp:::1:5060', 'bad-syntax'],
    ['udp:[::1:5060', 'bad-syntax'],
    ['udp:[127.0.0.1]:5060', 'bad-host'],
    ['udp:example.com:5060', 'bad-host'],
    ['udp:0.0.0.0:5060', 'wildcard-needs-advertise'],
    ['udp', 'bad-syntax'],
    ['udp:1.2.3.4:5060 as', 'bad-syntax'],
  ];
  for (const [text, code] of cases) {
    const result = parseListenSpec(text);
    t.equal(result.ok, false, text);
    if (!result.ok) {
      t.equal(result.code, code, `${text}: ${result.reason}`);
      t.ok(result.reason.length > 0);
    }
  }
});
