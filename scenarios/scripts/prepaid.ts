/**
 * Prepaid calling (opensips-b2b.md §6.2): the caller hears its credit, then talks to the callee for at
 * most that long, then hears a closing announcement. Copy it and plug in your own balance source.
 *
 * Parameters (`script_params:` in b2bkit.yaml):
 *   announce_uri      the media server that tells the credit (first announcement)
 *   announce_end_uri  the closing announcement (default: announce_uri)
 *   credit_s          the credit in seconds, for the default balance source (0 = no credit: 402)
 *
 * Call flow: caller ⇄ announcement; announcement hangs up → caller ⇄ callee (cut when the credit runs
 * out); callee hangs up → caller ⇄ closing announcement; it hangs up → the caller gets the BYE.
 */
import { defineScript, retarget, type LogicRequestB2b, type MainRouteB2b, type RequestView } from '../../engine/script';

/**
 * Where the credit comes from. Replace `balance` below with one that asks your billing system: a
 * lookup may be async (an HTTP call, a database query); the INVITE waits for it. This script only
 * reads the balance: charging the time talked is the billing system's job (from its CDRs).
 */
export interface BalanceSource {
  /** Seconds the caller (`msg.from`) may talk to the R-URI's user; 0 or less refuses the call with 402. */
  secondsLeft(msg: RequestView, b2b: MainRouteB2b): number | Promise<number>;
}

/** The default source: everyone has `credit_s` seconds (a script parameter). */
export const paramBalance: BalanceSource = {
  secondsLeft: (_msg, b2b) => {
    const value = Number(b2b.param('credit_s') ?? '0');
    return Number.isFinite(value) ? Math.floor(value) : 0;
  },
};

const balance: BalanceSource = paramBalance;

/** Session states, kept in the session's ctx so every route run of the call sees them. */
const GREETING = '1';
const TALKING = '2';
const CLOSING = '3';

/**
 * The session's own request route (`b2b_init_request("prepaid", , "prepaid_req")` in OpenSIPS):
 * every in-dialog request of a prepaid call comes here.
 */
function prepaidRequest(msg: RequestView, b2b: LogicRequestB2b): void {
  // re-INVITEs, INFO, the caller's ACKs …: relayed to the other party unchanged.
  if (msg.method !== 'BYE') return b2b.passRequest();
  const state = b2b.ctx.get('state');
  if (b2b.entityId === 'media' && state === GREETING) {
    // The credit announcement is over: answer its BYE ourselves, drop it, and call the callee with
    // a late-SDP bridge (the caller gets a re-INVITE with the callee's SDP). `max_duration` is the
    // credit: the session's lifetime ends the call when it is used up.
    b2b.sendReply(200, 'OK');
    b2b.deleteEntity();
    b2b.clientNew('callee', required(b2b.ctx.get('target'), 'target'));
    b2b.bridge('caller', 'callee', { flags: { maxDurationS: Number(b2b.ctx.get('credit')) } });
    b2b.ctx.set('state', TALKING);
    return;
  }
  if (b2b.entityId === 'callee' && state === TALKING) {
    // The callee hung up: the caller hears the closing announcement instead of a BYE.
    b2b.sendReply(200, 'OK');
    b2b.deleteEntity();
    b2b.clientNew('media_end', b2b.param('announce_end_uri') ?? required(b2b.param('announce_uri'), 'announce_uri'));
    b2b.bridge('caller', 'media_end');
    b2b.ctx.set('state', CLOSING);
    return;
  }
  // The caller hanging up (any time), or the closing announcement ending: the usual BYE relay.
  b2b.passRequest();
}

function required(value: string | undefined, name: string): string {
  if (value === undefined || value === '') throw new Error(`prepaid: ${name} is not set`);
  return value;
}

export default defineScript({
  async request(msg, b2b) {
    if (msg.method !== 'INVITE') {
      if (msg.method === 'OPTIONS') return b2b.reply(200, 'OK');
      return b2b.reply(msg.method === 'BYE' ? 481 : 405, msg.method === 'BYE' ? 'Call/Transaction Does Not Exist' : 'Method Not Allowed');
    }
    if (msg.toTag !== undefined) return b2b.reply(481, 'Call/Transaction Does Not Exist');
    const announce = b2b.param('announce_uri');
    if (announce === undefined) return b2b.reply(500, 'Server Internal Error', { headers: { 'X-Reason': 'announce_uri is not set' } });
    // Addressed to the engine itself: the callee is the configured upstream (same user part).
    if (b2b.isLocal(msg.uri) && b2b.upstream !== undefined) msg.setRequestUri(retarget(msg.uri, b2b.upstream));

    const credit = await balance.secondsLeft(msg, b2b);
    if (credit <= 0) return b2b.reply(402, 'Payment Required');

    // What the later route runs need, attached to the session by initRequest.
    b2b.ctx.set('state', GREETING);
    b2b.ctx.set('target', msg.ruri);
    b2b.ctx.set('credit', String(credit));
    // The caller's INVITE becomes entity "caller"; the first leg goes to the announcement (with the
    // caller's SDP), not to the callee.
    b2b.serverNew('caller');
    b2b.clientNew('media', announce);
    b2b.initRequest('prepaid', '', { request: prepaidRequest });
  },
});
