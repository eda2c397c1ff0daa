/** Verdicts for in-dialog requests (opensips-b2b.md §1.6; RFC 3261 §14.2, RFC 3311 §5.2, RFC 3262 §3). */
import t from 'tap';
import { incomingVerdict, retryAfterSeconds, type IncomingContext } from './glare';

const idle: IncomingContext = {
  method: 'INVITE', confirmed: true, openCount: 0, onlyInitialInviteOpen: false, inviteOpen: false, ownOfferPending: false, passthruPrack: false,
};

const table: Array<[string, Partial<IncomingContext>, string]> = [
  ['re-INVITE on an idle confirmed dialog is accepted', {}, 'accept'],
  ['re-INVITE while our re-INVITE is pending gets 491', { ownOfferPending: true }, 'reject 491'],
  ['UPDATE while our offer is pending gets 491', { method: 'UPDATE', ownOfferPending: true }, 'reject 491'],
  ['INFO while our offer is pending is accepted', { method: 'INFO', ownOfferPending: true }, 'accept'],
  ['a second re-INVITE while the first is unanswered gets 500', { openCount: 1, inviteOpen: true }, 'reject 500'],
  ['INFO while another request is open gets 500', { method: 'INFO', openCount: 1 }, 'reject 500'],
  ['BYE while a re-INVITE is open is the exception', { method: 'BYE', openCount: 1, inviteOpen: true }, 'bye-over-pending'],
  ['BYE on an idle dialog goes to the owner', { method: 'BYE' }, 'accept'],
  ['BYE on an early dialog with the INVITE open is the exception', { method: 'BYE', confirmed: false, openCount: 1, inviteOpen: true, onlyInitialInviteOpen: true }, 'bye-over-pending'],
  ['INFO on an early dialog is dropped', { method: 'INFO', confirmed: false, openCount: 1, inviteOpen: true, onlyInitialInviteOpen: true }, 'drop'],
  ['re-INVITE on an early dialog is dropped', { confirmed: false }, 'drop'],
  ['UPDATE on an early dialog with only the INVITE open is accepted', { method: 'UPDATE', confirmed: false, openCount: 1, inviteOpen: true, onlyInitialInviteOpen: true }, 'accept'],
  ['a second UPDATE on an early dialog gets 500', { method: 'UPDATE', confirmed: false, openCount: 2, inviteOpen: true }, 'reject 500'],
  ['PRACK is answered locally without passthru', { method: 'PRACK', confirmed: false, openCount: 1, onlyInitialInviteOpen: true }, 'prack-local'],
  ['PRACK goes to the owner with passthru', { method: 'PRACK', confirmed: false, openCount: 1, inviteOpen: true, onlyInitialInviteOpen: true, passthruPrack: true }, 'accept'],
];

for (const [name, change, expected] of table) {
  t.test(name, async (t) => {
    const verdict = incomingVerdict({ ...idle, ...change });
    t.equal(verdict.kind === 'reject' ? `reject ${verdict.status}` : verdict.kind, expected);
    if (verdict.kind === 'reject') t.equal(verdict.retryAfter, verdict.status === 500, 'Retry-After only with 500');
  });
}

t.test('Retry-After is drawn in 0..9 seconds', async (t) => {
  t.equal(retryAfterSeconds(0), 0);
  t.equal(retryAfterSeconds(0.999999), 9);
  t.equal(retryAfterSeconds(0.55), 5);
});
