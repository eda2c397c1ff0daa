/**
 * Relaying between the legs of a script-driven session (opensips-b2b.md §1.7 what is copied, §2.1
 * b2b_pass_request / b2b_handle_reply, §6.6 SDP bookkeeping and the 481/408 rule).
 */
import type { SipRequest, SipResponse } from '../../sip/message';
import type { EntityReply, ReceivedRequest, SentRequest } from '../entities/entity-types';
import { AUTH_CHALLENGE_HEADERS, REFER_HEADERS, bodyOf, nextMaxForwards, type HeaderPairs } from './leg-headers';
import type { LogicServices } from './logic-services';
import { rewriteReplaces, type PeerDialogLookup } from './replaces';
import type { HandleReplyFlags } from './scripted-types';
import type { Leg, Session } from './session';

export class ScriptedRelay {
  /** The received request being relayed right now, for replies fired before `sendRequest` returns. */
  private inFlight: { readonly request: ReceivedRequest; readonly target: Leg } | undefined;
  /** Relayed requests still waiting for their answer, by the leg they went to. */
  private readonly waiting = new Map<ReceivedRequest, Leg>();

  constructor(private readonly services: LogicServices, private readonly session: Session, private readonly peerDialog: PeerDialogLookup) {}

  /** The relayed request a reply without a recorded cause belongs to (a reply fired from inside `forward`). */
  causeOf(leg: Leg, sent: SentRequest): ReceivedRequest | undefined {
    const cause = sent.cause;
    if (isReceivedRequest(cause)) return cause;
    const flight = this.inFlight;
    return cause === undefined && flight !== undefined && flight.target === leg ? flight.request : undefined;
  }

  /**
   * §2.1 b2b_pass_request: the request (as edited by the route) on `target` with the §1.7 headers,
   * Max-Forwards−1, the body, and the target leg's extra headers. Undefined when it cannot go now.
   */
  forward(received: ReceivedRequest, from: Leg, target: Leg, edited?: SipRequest): SentRequest | undefined {
    const request = edited ?? received.request;
    const method = request.method;
    const refer = method === 'REFER';
    const headers = this.services.headers.pick(request, refer ? REFER_HEADERS : undefined);
    if (refer) this.rewriteReferTo(headers);
    // §1.7: Max-Forwards is passed decremented (a received 0 was answered 483 before here).
    if (method !== 'CANCEL') headers.push(['Max-Forwards', String(nextMaxForwards(request))]);
    if (target.extraHeaders !== undefined) headers.push(...target.extraHeaders);
    const body = bodyOf(request);
    this.inFlight = { request: received, target };
    let sent: SentRequest | undefined;
    try {
      sent = target.entity.sendRequest(method, body === undefined ? { headers } : { headers, body });
    } finally {
      this.inFlight = undefined;
    }
    if (sent === undefined) return undefined;
    if (sent.cause === undefined) sent.cause = received;
    if (!received.answered) {
      this.session.pending.add(received);
      this.waiting.set(received, target);
    }
    if (body !== undefined) {
      target.outSdp = body;
      from.inSdp = body;
    }
    return sent;
  }

  /** §2.7 / §6.6: ACK is end to end: the peer's 2xx is ACKed now with this ACK's body. */
  forwardAck(from: Leg, ack: SipRequest, target: Leg): void {
    const body = bodyOf(ack);
    if (body !== undefined) {
      from.inSdp = body;
      target.outSdp = body;
    }
    const headers = target.extraHeaders;
    target.entity.sendAck({ ...(body === undefined ? {} : { body }), ...(headers === undefined ? {} : { headers }) });
  }

  /**
   * §2.1 b2b_handle_reply for a relayed request: 1xx to INVITE relayed, the final reply answers the
   * original request; a 3xx loses its Contact unless `pass3xxContact`. True when the reply was final.
   */
  relayReply(leg: Leg, reply: EntityReply, received: ReceivedRequest, flags: HandleReplyFlags = {}, edited?: SipResponse): boolean {
    const status = reply.status;
    const response = edited ?? reply.response;
    const body = response === undefined ? undefined : bodyOf(response);
    const method = received.request.method;
    if (status < 200) {
      if (method === 'INVITE' && response !== undefined && !received.answered) {
        received.entity.reply(received, status, { reason: reply.reason, headers: this.services.headers.pick(response), ...(body === undefined ? {} : { body }) });
      }
      return false;
    }
    this.session.pending.delete(received);
    this.waiting.delete(received);
    const from = this.legOfEntity(received);
    if (body !== undefined) {
      leg.inSdp = body;
      if (from !== undefined) from.outSdp = body;
    }
    if (!received.answered) {
      const challenge = this.session.flags.transparentAuth === true && (status === 401 || status === 407) ? AUTH_CHALLENGE_HEADERS : undefined;
      const headers: HeaderPairs = response === undefined ? [] : this.services.headers.pick(response, challenge);
      if (status >= 300 && status < 400 && flags.pass3xxContact === true && response !== undefined) {
        for (const h of response.headers) if (h.key === 'contact') headers.push([h.name, h.value]);
      }
      received.entity.reply(received, status, { reason: reply.reason, headers, ...(body === undefined ? {} : { body }) });
    }
    // §6.6 (a 481 or 408 means the dialog is dead) is applied by the caller, which knows the running procedure.
    return true;
  }

  /**
   * §1.4: the leg a request was relayed to has ended: its answer never comes (a BYE gets 200, the rest 481).
   * Returns the legs told 481 (their dialog is gone for them: §6.6).
   */
  legEnded(leg: Leg): Leg[] {
    const told: Leg[] = [];
    for (const [received, target] of this.waiting) {
      if (target !== leg) continue;
      this.waiting.delete(received);
      this.session.pending.delete(received);
      if (received.answered) continue;
      const bye = received.request.method === 'BYE';
      received.entity.reply(received, bye ? 200 : 481);
      const from = this.legOfEntity(received);
      if (!bye && from !== undefined) told.push(from);
    }
    return told;
  }

  private rewriteReferTo(headers: HeaderPairs): void {
    for (let i = 0; i < headers.length; i++) {
      const [name, value] = headers[i]!;
      const key = name.toLowerCase();
      if (key !== 'refer-to' && key !== 'r') continue;
      const rewritten = rewriteReplaces(value, this.peerDialog);
      if (rewritten !== value) headers[i] = [name, rewritten];
    }
  }

  private legOfEntity(received: ReceivedRequest): Leg | undefined {
    for (const leg of this.session.servers) if (leg.entity === received.entity) return leg;
    for (const leg of this.session.clients) if (leg.entity === received.entity) return leg;
    return undefined;
  }
}

export function isReceivedRequest(value: unknown): value is ReceivedRequest {
  return typeof value === 'object' && value !== null && 'request' in value && 'entity' in value && 'answered' in value;
}
