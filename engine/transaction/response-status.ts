/** The one programmer-error check on responses a TU hands a server transaction (RFC 3261 §7.2, §21: status codes 100..699). */
import type { SipResponse } from '../sip/message';
import { TransactionError } from './transaction-types';

export function checkResponseStatus(response: SipResponse): void {
  const status = response.status;
  if (!Number.isInteger(status) || status < 100 || status > 699) {
    throw new TransactionError('bad-response-status', `a server transaction cannot send status ${status}`);
  }
}
