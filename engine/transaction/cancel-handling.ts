/**
 * CANCEL on the server side (RFC 3261 §9.2). The CANCEL is its own non-INVITE server transaction;
 * the layer answers it (481 without a match, else 200) and hands the INVITE transaction to the TU,
 * which answers the INVITE 487. Without an `onCancel` callback the layer sends that 487 itself.
 */
import type { Random } from '../ports/random';
import { createResponse } from '../sip';
import type { InviteServerTransaction } from './invite-server-transaction';
import type { NonInviteServerTransaction } from './non-invite-server-transaction';
import type { TransactionUser } from './transaction-types';

export function answerCancel(
  cancelTx: NonInviteServerTransaction,
  inviteTx: InviteServerTransaction | undefined,
  user: TransactionUser,
  random: Random,
): void {
  const cancel = cancelTx.request;
  if (inviteTx === undefined) {
    // §9.2: a CANCEL matching no transaction MUST be answered 481.
    cancelTx.respond(createResponse(cancel, 481, undefined, { toTag: cancel.toTag ?? random.token(10) }));
    return;
  }
  // §9.2: the To tag of the 200 should be the one the INVITE's responses carry; before any tagged
  // response exists we cannot know the TU's future tag, so a fresh one stands in.
  const toTag = inviteTx.lastResponse?.toTag ?? inviteTx.request.toTag ?? random.token(10);
  // §9.2: a matching CANCEL is answered 200 whatever the INVITE's state.
  cancelTx.respond(createResponse(cancel, 200, undefined, { toTag }));
  // §9.2: once a final response went out, the CANCEL has no effect on the INVITE.
  if (inviteTx.state !== 'Proceeding') return;
  if (user.onCancel !== undefined) {
    user.onCancel(inviteTx, cancel);
    return;
  }
  inviteTx.respond(createResponse(inviteTx.request, 487, undefined, { toTag }));
}

