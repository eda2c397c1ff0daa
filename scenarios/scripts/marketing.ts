/**
 * Marketing calls (opensips-b2b.md §6.3, SIPssert 02): the B2BUA calls a customer, plays an
 * announcement, then connects the customer to an operator. Nothing dials in: each call is started
 * from the management interface (needs `b2b_logic.server_address` in the configuration):
 *
 *   b2bkit mi b2b_logic:trigger_scenario marketing customer,sip:alice@example.com \
 *     media,sip:promo@media.example.com context=operator_uri=sip:sales@example.com
 *
 * The session then runs this script's global b2b_logic routes (`b2bRequest`), as OpenSIPS runs
 * `script_req_route` for MI-started sessions.
 */
import { defineScript } from '../../engine/script';

/** ctx `state` once the operator was called. */
const OPERATOR = '2';

export default defineScript({
  /** Nothing reaches this service by calling in; keep-alives are answered, the rest refused. */
  request(msg, b2b) {
    if (msg.method === 'OPTIONS') return b2b.reply(200, 'OK');
    if (msg.method === 'INVITE') return b2b.reply(404, 'Not Found', { headers: { 'X-Reason': 'marketing calls are started with b2b_logic:trigger_scenario' } });
    return b2b.reply(405, 'Method Not Allowed', { headers: { Allow: 'OPTIONS' } });
  },

  /** Every in-dialog request of a marketing call (`script_req_route`). */
  b2bRequest(msg, b2b) {
    // re-INVITEs, INFO, ACKs: relayed to the other party.
    if (msg.method !== 'BYE') return b2b.passRequest();
    const operator = b2b.ctx.get('operator_uri');
    if (b2b.entityId === 'media' && b2b.ctx.get('state') !== OPERATOR && operator !== undefined) {
      // The announcement is over: answer it ourselves and bridge the customer to an operator
      // (late SDP: the customer is re-INVITEd with the operator's offer).
      b2b.sendReply(200, 'OK');
      b2b.deleteEntity();
      b2b.clientNew('operator', operator);
      b2b.bridge('customer', 'operator');
      b2b.ctx.set('state', OPERATOR);
      return;
    }
    // Without an operator_uri in the context the announcement's BYE simply ends the call. Any other
    // BYE (the customer, or the operator) is relayed and ends the call.
    if (operator === undefined && b2b.entityId === 'media') b2b.log.warn({}, 'marketing: no operator_uri in the context');
    b2b.passRequest();
  },
});
