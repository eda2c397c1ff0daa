/** Digest answers (RFC 2617 §3.5 example, RFC 7616 §3.4). */
import t from 'tap';
import { parseAuth } from '../../sip';
import { requestFixture, responseFixture } from '../../dialog/test-support';
import { answerChallenge, digestCredentials } from './digest-auth';

t.test('RFC 2617 §3.5 worked example (qop=auth)', async (t) => {
  const challenge = parseAuth('Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"')!;
  const value = digestCredentials({
    method: 'GET', digestUri: '/dir/index.html', challenge, cnonce: '0a4f113b', nc: 1,
    credential: { realm: 'testrealm@host.com', username: 'Mufasa', password: 'Circle Of Life' },
  });
  const parsed = parseAuth(value!)!;
  t.equal(parsed.params.get('response'), '6629fae49393a05397450978507c4ef1');
  t.equal(parsed.params.get('nc'), '00000001');
  t.equal(parsed.params.get('qop'), 'auth');
  t.equal(parsed.params.get('opaque'), '5ccc069c403ebaf9f0171e9517f40e41');
});

t.test('a 407 gets Proxy-Authorization from the matching realm; unknown realm and no credentials get nothing', async (t) => {
  const invite = requestFixture(['INVITE sip:bob@10.0.0.2 SIP/2.0', 'Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKa', 'From: <sip:a@x>;tag=1', 'To: <sip:b@y>', 'Call-ID: c', 'CSeq: 1 INVITE']);
  const challenge = responseFixture(['SIP/2.0 407 Proxy Authentication Required', 'Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKa', 'From: <sip:a@x>;tag=1', 'To: <sip:b@y>;tag=2', 'Call-ID: c', 'CSeq: 1 INVITE', 'Proxy-Authenticate: Digest realm="pbx", nonce="n1"']);
  const header = answerChallenge(invite, challenge, [{ realm: 'other', username: 'x', password: 'y' }, { realm: 'pbx', username: 'alice', password: 'secret' }], 'cn');
  t.equal(header?.[0], 'Proxy-Authorization');
  const parsed = parseAuth(header![1])!;
  t.equal(parsed.params.get('username'), 'alice');
  t.equal(parsed.params.get('uri'), 'sip:bob@10.0.0.2');
  t.equal(parsed.params.get('qop'), undefined, 'no qop offered, none answered');
  t.equal(answerChallenge(invite, challenge, [{ realm: 'other', username: 'x', password: 'y' }], 'cn'), undefined);
  t.equal(answerChallenge(invite, challenge, [], 'cn'), undefined);
  t.equal(answerChallenge(invite, challenge, [{ realm: '*', username: 'any', password: 'p' }], 'cn')?.[0], 'Proxy-Authorization', "'*' answers any realm");
});
