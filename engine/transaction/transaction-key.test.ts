/** Transaction keys (RFC 3261 §17.1.3, §17.2.3, §9.2): what matches and what does not. */
import t from 'tap';
import { createResponse } from '../sip';
import { cancelTargetKey, clientTransactionKey, isRfc3261Branch, responseKey, rfc2543AckKeyWithoutToTag, serverTransactionKey } from './transaction-key';
import { request } from './test-support';

t.test('client keys: top Via branch + CSeq method', async (t) => {
  const invite = request();
  const response = createResponse(invite, 180, undefined, { toTag: 'a' });
  t.equal(responseKey(response), clientTransactionKey('z9hG4bKpeer1', 'INVITE'));
  t.not(responseKey(createResponse(request({ method: 'CANCEL' }), 200)), clientTransactionKey('z9hG4bKpeer1', 'INVITE'));
  t.equal(responseKey(createResponse(request({ branch: null }), 200)), undefined);
});

t.test('server keys: an ACK and a CANCEL name the INVITE transaction; sent-by and method matter', async (t) => {
  const invite = serverTransactionKey(request());
  t.equal(serverTransactionKey(request({ method: 'ACK', cseqMethod: 'ACK', toTag: 'x' })), invite);
  t.equal(cancelTargetKey(request({ method: 'CANCEL' })), invite);
  t.not(serverTransactionKey(request({ method: 'CANCEL' })), invite, 'the CANCEL is its own transaction');
  t.not(serverTransactionKey(request({ sentBy: '192.0.2.30' })), invite);
  t.not(serverTransactionKey(request({ branch: 'z9hG4bKpeer2' })), invite);
});

t.test('RFC 2543 keys: used when the branch lacks the cookie; the ACK fallback drops the To tag', async (t) => {
  t.equal(isRfc3261Branch('z9hG4bK1'), true);
  t.equal(isRfc3261Branch('1234'), false);
  t.equal(isRfc3261Branch(undefined), false);
  const invite = serverTransactionKey(request({ branch: null }));
  t.match(invite, /^2543\n/);
  const ack = request({ method: 'ACK', cseqMethod: 'ACK', branch: null, toTag: 'ours' });
  t.not(serverTransactionKey(ack), invite);
  t.equal(rfc2543AckKeyWithoutToTag(ack), invite);
  t.equal(rfc2543AckKeyWithoutToTag(request({ method: 'ACK', cseqMethod: 'ACK', toTag: 'ours' })), undefined, 'not for RFC 3261 ACKs');
  t.equal(serverTransactionKey(request({ branch: null, toTag: 'dlg', method: 'ACK', cseqMethod: 'ACK' })), serverTransactionKey(request({ branch: null, toTag: 'dlg' })), 're-INVITE: same To tag');
});
