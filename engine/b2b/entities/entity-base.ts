/**
 * Requests each way on an entity (opensips-b2b.md §1.2 steps 2–4, §1.6; RFC 3261 §12.2, §14, §15):
 * the peer's requests through the glare verdicts to the owner, and ours with the pending ACK first,
 * the §14.1 INVITE rule, BYE held until the ACK of our 2xx, and the owner's end-to-end ACK (§13.2.2.4).
 */
import type { SipRequest, SipResponse } from '../../sip/message';
import type { ServerTransaction } from '../../transaction/transaction-types';
import type { Destination } from '../../transport/transport-layer';
import type { Dialog } from '../../dialog/dialog';
import { buildInDialogRequest } from '../../dialog/in-dialog-request';
import { receiveInDialogRequest, refreshTargetFromResponse } from '../../dialog/in-dialog-receive';
import { requestFromParts } from '../../dialog/request-factory';
import { buildResponse } from '../../dialog/responses';
import { EntityCore, SEND_IN_DIALOG } from './entity-core';
import { EntitiesError } from './entity-errors';
import { ReceivedRequestRecord, SentRequestRecord, withoutContentType } from './entity-records';
import type { SendOptions, SentRequest } from './entity-types';
import { incomingVerdict, retryAfterSeconds } from './glare';
import { OutgoingRequest } from './outgoing-request';

export { SEND_IN_DIALOG };

export abstract class EntityBase extends EntityCore {
  /** The 2xx to our (re-)INVITE the owner has still to ACK (§13.2.2.4: end to end, with its body). */
  protected ackDue: { readonly cseq: number; readonly dialog: Dialog } | undefined;
  private lastAck: { readonly ack: SipRequest; readonly destination: Destination; readonly cseq: number } | undefined;

  // ---- requests of the peer ----

  /** §1.2 steps 2–4 for a request the layer matched to this entity. */
  receive(tx: ServerTransaction, original: SipRequest): void {
    const dialog = this.dialogFor(original);
    if (dialog === undefined) {
      // §12.2.2: tags that name no dialog of ours.
      tx.respond(buildResponse(original, original.method === 'BYE' ? 200 : 481, { toTag: this.localTag }));
      return;
    }
    const request = this.services.hooks.onRequest?.(this, original) ?? original;
    if (dialog.remoteSeq !== undefined && original.cseq.seq < dialog.remoteSeq) {
      // §12.2.2: a lower CSeq than the remote sequence MUST get 500.
      tx.respond(buildResponse(original, 500, { reason: 'Out Of Order CSeq' }));
      return;
    }
    const verdict = incomingVerdict(this.incomingContext(original.method));
    switch (verdict.kind) {
      case 'drop':
        // §1.6: dropped silently; the transaction goes with it so nothing is left behind.
        tx.terminate();
        return;
      case 'reject': {
        const headers: [string, string][] = verdict.retryAfter ? [['Retry-After', String(retryAfterSeconds(this.services.random.nextFloat()))]] : [];
        tx.respond(buildResponse(original, verdict.status, { reason: verdict.reason, headers }));
        return;
      }
      case 'prack-local':
        receiveInDialogRequest(dialog, original);
        this.answerPrack(tx, original);
        return;
      case 'bye-over-pending': {
        receiveInDialogRequest(dialog, original);
        tx.respond(buildResponse(original, 200));
        const received = new ReceivedRequestRecord(request, this, tx, false);
        received.answered = true;
        // §1.6 / RFC 3261 §15.1.2: the INVITE still pending gets 487.
        for (const pending of [...this.open]) if (pending.tx.request.method === 'INVITE') this.answerInternally(pending, 487);
        this.owner.onRequest(this, received);
        this.end('bye-received');
        return;
      }
      case 'accept': {
        receiveInDialogRequest(dialog, original);
        const received = new ReceivedRequestRecord(request, this, tx, false);
        this.open.add(received);
        this.owner.onRequest(this, received);
        return;
      }
      default: {
        const never: never = verdict;
        throw new EntitiesError('bad-status', `unknown verdict ${String(never)}`);
      }
    }
  }

  private incomingContext(method: string): Parameters<typeof incomingVerdict>[0] {
    let inviteOpen = false;
    let initialOpen = false;
    for (const received of this.open) {
      if (received.tx.request.method === 'INVITE') inviteOpen = true;
      if (received.initial) initialOpen = true;
    }
    return {
      method, confirmed: this.current === 'confirmed', openCount: this.open.size,
      onlyInitialInviteOpen: initialOpen && this.open.size === 1, inviteOpen,
      ownOfferPending: this.ownOffers > 0, passthruPrack: this.services.config.passthruPrack,
    };
  }

  // ---- our requests ----

  sendRequest(method: string, options: SendOptions = {}): SentRequest | undefined {
    if (this.ended !== undefined) return undefined;
    const upper = method.toUpperCase();
    if (upper === 'ACK') {
      this.sendAck(options);
      return undefined;
    }
    const special = this.sendSpecial(upper, options);
    if (special !== SEND_IN_DIALOG) return special;
    const dialog = this.dialogValue;
    if (dialog === undefined || dialog.isTerminated) return undefined;
    // §14.1: no INVITE while another INVITE transaction is in progress on the dialog, either way.
    if (upper === 'INVITE' && (this.ownInvites > 0 || [...this.open].some((r) => r.tx.request.method === 'INVITE'))) return undefined;
    // §1.6: on a confirmed-but-unACKed dialog the ACK goes first.
    this.flushAck();
    if (upper === 'BYE' && this.uas2xx !== undefined) {
      // RFC 3261 §15: the callee MUST NOT send BYE before the ACK of its 2xx (or its give-up).
      const prepared = this.prepare(dialog, 'BYE', options);
      this.afterAck = () => this.dispatch(prepared, true);
      return prepared.sent;
    }
    return this.sendInDialog(dialog, upper, options, true);
  }

  /** Sends the ACK for the 2xx of our (re-)INVITE, end to end with the owner's body (§13.2.2.4). */
  sendAck(options: SendOptions & { readonly cseq?: number } = {}): void {
    const due = this.ackDue;
    if (due === undefined || (options.cseq !== undefined && options.cseq !== due.cseq)) return;
    this.ackDue = undefined;
    const { random, resolve } = this.services;
    const headers = options.body === undefined ? options.headers : withoutContentType(options.headers ?? []);
    const parts = buildInDialogRequest(due.dialog, 'ACK', random, { cseq: due.cseq, headers });
    const destination = resolve(parts.nextHop);
    if (destination === undefined) {
      this.services.logger.warn({ key: this.key }, 'no route for ACK');
      return;
    }
    const ack = requestFromParts(parts, random, options.body);
    this.lastAck = { ack, destination, cseq: due.cseq };
    this.services.transactions.sendAck(ack, destination);
  }

  /** §1.6: before any other request on a dialog whose 2xx is unACKed, the ACK goes out (without a body). */
  protected flushAck(): void {
    if (this.ackDue !== undefined) this.sendAck();
  }

  /** §13.2.2.4: a retransmitted 2xx gets the same ACK again. */
  protected ackRetransmitted(response: SipResponse): void {
    const last = this.lastAck;
    if (last !== undefined && last.cseq === response.cseq.seq) this.services.transactions.sendAck(last.ack, last.destination);
  }

  /** A 2xx that came back after its client transaction ended (RFC 6026 Timer M): ACK it again. */
  onStrayResponse(response: SipResponse): void {
    if (response.cseq.method === 'INVITE' && response.status >= 200 && response.status < 300) this.ackRetransmitted(response);
  }

  /** BYE now and end (terminate of a confirmed dialog); before the ACK of our 2xx it waits for it (§15). */
  protected byeNow(): void {
    if (this.uas2xx !== undefined) {
      this.afterAck = () => this.byeNow();
      return;
    }
    this.flushAck();
    const dialog = this.dialogValue;
    if (dialog !== undefined && !dialog.isTerminated) this.sendInDialog(dialog, 'BYE', {}, false);
    this.end('bye-sent');
  }

  protected override sendInDialog(dialog: Dialog, method: string, options: SendOptions, report: boolean): SentRequestRecord {
    const prepared = this.prepare(dialog, method, options);
    this.dispatch(prepared, report);
    return prepared.sent;
  }

  private prepare(dialog: Dialog, method: string, options: SendOptions): Prepared {
    const { random, resolve } = this.services;
    const headers = options.body === undefined ? options.headers : withoutContentType(options.headers ?? []);
    const parts = buildInDialogRequest(dialog, method, random, { headers });
    const request = requestFromParts(parts, random, options.body);
    return { dialog, sent: new SentRequestRecord(method, request, this), destination: resolve(parts.nextHop) };
  }

  private dispatch(prepared: Prepared, report: boolean): void {
    const { dialog, sent, destination } = prepared;
    const method = sent.method;
    if (destination === undefined) {
      if (report) this.schedule(0, () => this.finishSent(sent, 503, 'No Route To Target', undefined, report));
      return;
    }
    const offer = method === 'INVITE' || method === 'UPDATE';
    if (method === 'INVITE') this.ownInvites++;
    if (offer) this.ownOffers++;
    const settle = (): void => {
      if (sent.finalSeen) return;
      sent.finalSeen = true;
      if (method === 'INVITE') this.ownInvites--;
      if (offer) this.ownOffers--;
    };
    const out = new OutgoingRequest(this.services, sent.request, destination, () => nextLocalSeq(dialog), {
      onResponse: (response) => {
        // §1.5: 100 Trying is hop by hop; the owner never sees it.
        if (response.status === 100) return;
        if (response.status >= 200 && sent.finalSeen) {
          // RFC 6026 §8.4: the ICT passes on retransmitted 2xx; the same ACK answers them.
          if (method === 'INVITE' && response.status < 300) this.ackRetransmitted(response);
          return;
        }
        if (response.status >= 200) {
          settle();
          if (method !== 'INVITE' || response.status >= 300) this.outgoing.delete(out);
          refreshTargetFromResponse(dialog, method, response);
          if (method === 'INVITE' && response.status < 300) this.ackDue = { cseq: response.cseq.seq, dialog };
        }
        this.finishSent(sent, response.status, response.reason, response, report);
      },
      onFailure: (status, reason) => {
        settle();
        this.outgoing.delete(out);
        this.finishSent(sent, status, reason, undefined, report);
      },
      onDone: () => this.outgoing.delete(out),
    });
    this.outgoing.add(out);
    out.start();
  }

  private finishSent(sent: SentRequestRecord, status: number, reason: string, response: SipResponse | undefined, report: boolean): void {
    if (this.ended !== undefined) return;
    if (report) this.deliverReply(sent, status, reason, response);
    // A BYE we sent ends the dialog whatever its answer (§15.1.1).
    if (sent.method === 'BYE' && status >= 200) this.end(status === 408 ? 'timeout' : 'bye-sent');
  }

  /** §1.2 reply pipeline: the script's reply hook, then the owner. */
  protected deliverReply(sent: SentRequest, status: number, reason: string, response: SipResponse | undefined): void {
    const hooked = response === undefined ? undefined : (this.services.hooks.onReply?.(this, response) ?? response);
    this.owner.onReply(this, { status, reason, response: hooked }, sent);
  }
}

interface Prepared {
  readonly dialog: Dialog;
  readonly sent: SentRequestRecord;
  readonly destination: Destination | undefined;
}

/** §12.2.1.1: the next local CSeq (an auth retry is a new request). */
function nextLocalSeq(dialog: Dialog): number {
  const seq = (dialog.localSeq ?? 0) + 1;
  dialog.localSeq = seq;
  return seq;
}
