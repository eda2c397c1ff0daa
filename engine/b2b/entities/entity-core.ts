/**
 * The core every entity shares (opensips-b2b.md §1.4–1.6; RFC 3261 §12–15): the entity state machine,
 * its timers, clean ending, replies to the peer's requests with the INVITE 2xx retransmitted until its
 * ACK (§13.3.1.4), and the ACK itself. Requests each way are in `entity-base.ts`.
 */
import type { SipRequest, SipResponse } from '../../sip/message';
import type { NameAddr, Uri } from '../../sip/types';
import type { TimerId } from '../../timers/timer-service';
import type { ServerTransaction } from '../../transaction/transaction-types';
import { BackoffRetransmitter } from '../../dialog/backoff-retransmitter';
import type { Dialog } from '../../dialog/dialog';
import { buildResponse } from '../../dialog/responses';
import { viaIsReliable } from '../../dialog/session-types';
import { EntitiesError } from './entity-errors';
import { ReceivedRequestRecord, headersFor } from './entity-records';
import type { EntityServices } from './entity-services';
import type {
  Entity, EntityEndReason, EntityKind, EntityOwner, EntityState, ReceivedRequest, ReplyOptions, SendOptions, SentRequest,
} from './entity-types';
import type { OutgoingRequest } from './outgoing-request';

export interface EntityTransition {
  readonly from: EntityState;
  readonly to: EntityState;
  readonly why: string;
}

/** `sendSpecial` returns this when the generic in-dialog path should send the request. */
export const SEND_IN_DIALOG = Symbol('send-in-dialog');

export abstract class EntityCore implements Entity {
  abstract readonly kind: EntityKind;
  abstract readonly initialRequest: SipRequest;
  logicKey: string | undefined;
  ownerData: unknown;
  readonly history: EntityTransition[] = [];
  protected current: EntityState = 'new';
  protected dialogValue: Dialog | undefined;
  /** Requests of the peer not yet answered finally. */
  protected readonly open = new Set<ReceivedRequestRecord>();
  protected uas2xx: { readonly retransmitter: BackoffRetransmitter; readonly cseq: number } | undefined;
  protected afterAck: (() => void) | undefined;
  protected ownInvites = 0;
  protected ownOffers = 0;
  private readonly armed = new Set<TimerId>();
  protected readonly outgoing = new Set<OutgoingRequest>();
  private endReason: EntityEndReason | undefined;

  constructor(
    protected readonly services: EntityServices,
    readonly key: string,
    readonly hashIndex: number,
    readonly callId: string,
    readonly localTag: string,
    readonly localUri: NameAddr,
    readonly remoteUri: NameAddr,
    protected readonly owner: EntityOwner,
    logicKey: string | undefined,
  ) {
    this.logicKey = logicKey;
  }

  get state(): EntityState {
    return this.current;
  }

  get remoteTag(): string | undefined {
    return this.dialogValue?.id.remoteTag;
  }

  get remoteContact(): Uri | undefined {
    return this.dialogValue?.remoteTarget;
  }

  /** The dialog requests go on (client: the winning fork, or the latest early one). */
  get dialog(): Dialog | undefined {
    return this.dialogValue;
  }

  get ended(): EntityEndReason | undefined {
    return this.endReason;
  }

  /** Timers armed by this entity now (tests: zero once it ended). */
  get armedTimers(): number {
    return this.armed.size + (this.uas2xx === undefined ? 0 : 1);
  }

  // ---- subclass points ----

  /** Replies to the dialog-creating INVITE (server entity only). */
  protected abstract replyInitial(received: ReceivedRequestRecord, status: number, options: ReplyOptions): boolean;
  /** BYE/CANCEL mapping by state (§1.6); SEND_IN_DIALOG for the generic path. */
  protected abstract sendSpecial(method: string, options: SendOptions): SentRequest | undefined | typeof SEND_IN_DIALOG;
  /** The dialog an incoming request names (client: its fork), undefined when none of ours. */
  protected abstract dialogFor(request: SipRequest): Dialog | undefined;
  /** A PRACK with passthru_prack off (RFC 3262 §3): answered here. */
  protected answerPrack(tx: ServerTransaction, prack: SipRequest): void {
    tx.respond(buildResponse(prack, 481, { reason: 'No Matching Provisional' }));
  }
  protected onEnd(): void {}
  abstract terminate(options?: { readonly status?: number; readonly reasonHeader?: string }): void;
  abstract sendRequest(method: string, options?: SendOptions): SentRequest | undefined;
  abstract sendAck(options?: SendOptions & { readonly cseq?: number }): void;
  /** Sends an in-dialog request (entity-base.ts); `report` = its replies reach the owner. */
  protected abstract sendInDialog(dialog: Dialog, method: string, options: SendOptions, report: boolean): SentRequest;

  // ---- state ----

  /** The one way the state changes: checked, recorded. */
  protected transition(to: EntityState, why: string): void {
    const from = this.current;
    switch (from) {
      case 'new':
        break;
      case 'early':
        if (to === 'new') throw new EntitiesError('bad-status', `entity ${this.key}: early -> new`);
        break;
      case 'confirmed':
        if (to === 'new' || to === 'early') throw new EntitiesError('bad-status', `entity ${this.key}: confirmed -> ${to}`);
        break;
      case 'terminated':
        throw new EntitiesError('bad-status', `entity ${this.key}: terminated -> ${to}`);
      default: {
        const never: never = from;
        throw new EntitiesError('bad-status', `unknown entity state ${String(never)}`);
      }
    }
    if (from === to) return;
    this.current = to;
    this.history.push({ from, to, why });
  }

  protected schedule(delayMs: number, fire: () => void): TimerId {
    const id = this.services.timers.schedule(delayMs, () => {
      this.armed.delete(id);
      fire();
    });
    this.armed.add(id);
    return id;
  }

  /** Ends the entity once: timers cancelled, open requests answered, tables left, owner told. */
  protected end(reason: EntityEndReason): void {
    if (this.endReason !== undefined) return;
    this.endReason = reason;
    if (this.current !== 'terminated') this.transition('terminated', reason);
    for (const id of this.armed) this.services.timers.cancel(id);
    this.armed.clear();
    this.uas2xx?.retransmitter.stop();
    this.uas2xx = undefined;
    this.afterAck = undefined;
    for (const out of this.outgoing) out.stop();
    this.outgoing.clear();
    this.onEnd();
    for (const received of [...this.open]) {
      const method = received.tx.request.method;
      this.answerInternally(received, method === 'BYE' ? 200 : method === 'INVITE' ? 487 : 481);
    }
    this.dialogValue?.terminate('local-end');
    this.services.removed(this);
    this.owner.onEnded(this, reason);
  }

  delete(): void {
    this.end('deleted');
  }

  // ---- replies to requests of the peer ----

  reply(request: ReceivedRequest, status: number, options: ReplyOptions = {}): boolean {
    if (!(request instanceof ReceivedRequestRecord) || request.entity !== this) throw new EntitiesError('foreign-request', `entity ${this.key} cannot reply to a request of another entity`);
    if (!Number.isInteger(status) || status < 100 || status > 699) throw new EntitiesError('bad-status', `reply status ${status} is not 100–699`);
    if (request.answered || this.endReason !== undefined) return false;
    if (request.initial) return this.replyInitial(request, status, options);
    const tx = request.tx;
    const method = tx.request.method;
    const ok = status >= 200 && status < 300;
    // §12.1.1/§13.3.1.4: responses to INVITE (and RFC 3311 §5.2 a 2xx to UPDATE) carry our Contact.
    const withContact = (method === 'INVITE' && status < 300) || (method === 'UPDATE' && ok);
    const response = buildResponse(tx.request, status, {
      reason: options.reason, headers: headersFor(options), body: options.body, toTag: this.localTag,
      contact: withContact ? this.dialogValue?.localContact : undefined,
    });
    if (status < 200) return tx.respond(response);
    request.answered = true;
    this.open.delete(request);
    if (method === 'INVITE' && ok) this.sendInvite2xx(tx, response);
    else tx.respond(response);
    if (method === 'BYE') this.end('bye-received');
    return true;
  }

  /** A final answer the layer gives itself (BYE exception, ending with requests open). */
  protected answerInternally(received: ReceivedRequestRecord, status: number): void {
    received.answered = true;
    this.open.delete(received);
    received.tx.respond(buildResponse(received.tx.request, status, { toTag: this.localTag }));
  }

  /** §13.3.1.4: the 2xx to an INVITE is retransmitted by the UAS core until the ACK, for 64·T1. */
  protected sendInvite2xx(tx: ServerTransaction, response: SipResponse): void {
    this.uas2xx?.retransmitter.stop();
    tx.respond(response);
    const { timers, t1Ms, t2Ms } = this.services;
    const retransmitter = new BackoffRetransmitter(timers, {
      firstIntervalMs: t1Ms, capIntervalMs: t2Ms, giveUpAfterMs: 64 * t1Ms,
      retransmit: !viaIsReliable(tx.request),
      resend: () => { tx.respond(response); },
      onGiveUp: () => this.onAckTimeout(),
    });
    this.uas2xx = { retransmitter, cseq: response.cseq.seq };
  }

  /** §13.3.1.4: no ACK within 64·T1 — the session SHOULD end with BYE. */
  private onAckTimeout(): void {
    this.uas2xx = undefined;
    const deferred = this.afterAck;
    this.afterAck = undefined;
    if (deferred !== undefined) deferred();
    else if (this.dialogValue !== undefined) this.sendInDialog(this.dialogValue, 'BYE', {}, false);
    this.end('ack-timeout');
  }

  /** An ACK for a 2xx we sent (stray at the transaction layer, §17.2.3); retransmitted ACKs are dropped (§1.6). */
  onAck(ack: SipRequest): void {
    const pending = this.uas2xx;
    if (pending === undefined || ack.cseq.seq !== pending.cseq || this.endReason !== undefined) return;
    pending.retransmitter.stop();
    this.uas2xx = undefined;
    const deferred = this.afterAck;
    this.afterAck = undefined;
    if (deferred !== undefined) {
      deferred();
      return;
    }
    const hooked = this.services.hooks.onRequest?.(this, ack) ?? ack;
    this.owner.onAck(this, hooked);
  }

}
