/**
 * Call parking and pickup (opensips-b2b.md §6.5 "Parking / pickup", SIPssert 26): a caller dialling
 * `park<slot>` waits on a parking media server (music); whoever then dials `pickup<slot>` takes the
 * call over with b2b_bridge_request (the parking leg is hung up, the parked caller re-INVITEd with
 * the picker's SDP).
 *
 * Parameters (`script_params:` in b2bkit.yaml):
 *   park_uri      the parking media server
 *   pickup_flags  b2b_bridge_request flags: `late_bye` hangs the parking leg up at the picker's ACK
 *                 (and b2b_logic.old_entity_term_delay seconds later, if set) instead of at once
 * Any other INVITE is a plain top-hiding call.
 */
import { defineScript, type LogicRequestB2b, type RequestView } from '../../engine/script';
import type { SipUri, Uri } from '../../engine/sip/types';

/**
 * Slot → session key of the parked call. This engine's memory: OpenSIPS scripts keep it in a cache
 * (`cache_store("local", "park_$rU", $b2b_logic.key)`); use a shared store if several engines pick up.
 */
const parked = new Map<string, string>();

/** The parked call's own request route: relays everything, and frees the slot when the call ends. */
function parkedRequest(msg: RequestView, b2b: LogicRequestB2b): void {
  if (msg.method === 'BYE') freeSlot(b2b.ctx.get('slot'), b2b.key);
  b2b.passRequest();
}

function freeSlot(slot: string | undefined, key: string | undefined): void {
  if (slot !== undefined && key !== undefined && parked.get(slot) === key) parked.delete(slot);
}

function userOf(uri: Uri): string {
  return uri.scheme === 'sip' || uri.scheme === 'sips' ? ((uri as SipUri).user ?? '') : '';
}

export default defineScript({
  request(msg, b2b) {
    if (msg.method === 'OPTIONS') return b2b.reply(200, 'OK');
    if (msg.method !== 'INVITE') return b2b.reply(msg.method === 'BYE' ? 481 : 405, msg.method === 'BYE' ? 'Call/Transaction Does Not Exist' : 'Method Not Allowed');
    if (msg.toTag !== undefined) return b2b.reply(481, 'Call/Transaction Does Not Exist');
    const user = userOf(msg.uri);

    if (user.startsWith('park')) {
      const slot = user.slice('park'.length);
      const parking = b2b.param('park_uri');
      if (parking === undefined) return b2b.reply(500, 'Server Internal Error', { headers: { 'X-Reason': 'park_uri is not set' } });
      if (parked.has(slot)) return b2b.reply(486, 'Busy Here', { headers: { 'X-Reason': `slot ${slot} is taken` } });
      // The caller talks to the parking server (music on hold) until someone picks it up.
      b2b.ctx.set('slot', slot);
      b2b.serverNew('caller');
      b2b.clientNew('parking', parking);
      const result = b2b.initRequest('parking', '', { request: parkedRequest });
      if (result.ok) parked.set(slot, result.key);
      return;
    }

    if (user.startsWith('pickup')) {
      const slot = user.slice('pickup'.length);
      const key = parked.get(slot);
      if (key === undefined) return b2b.reply(404, 'Not Found', { headers: { 'X-Reason': `nothing parked on ${slot}` } });
      parked.delete(slot);
      // Keeps party 0 of the parked session (the caller) and replaces the other (the parking server)
      // with this INVITE's sender.
      const flags = b2b.param('pickup_flags');
      b2b.bridgeRequest(key, 0, flags !== undefined && flags !== '' ? { flags } : {});
      return;
    }

    b2b.initRequest('top hiding');
  },
});
