/**
 * The server entity (opensips-b2b.md §1.1, §1.3, §1.6): the UAS half made from a received initial
 * INVITE. Its key is the To-tag of every reply (RFC 3261 §12.1.1 early dialog on the first tagged
 * 1xx); reliable provisionals are numbered and retransmitted here (RFC 3262 §3) and their PRACKs
 * answered here unless passthru_prack; CANCEL reaches the owner after the layer answered it (§9.2).
 */
import type { SipRequest } from '../../sip/message';
import type { Uri } from '../../sip/types';
import type { ServerTransaction } from '../../transaction/transaction-types';
import type { ReceiveContext } from '../../transport/transport-layer';
import type { Dialog } from '../../dialog/dialog';
import { contactUri, createUasDialog } from '../../dialog/dialog-create';
import { ReliableProvisionals } from '../../dialog/reliable-provisionals';
import { buildResponse } from '../../dialog/responses';
import { viaIsReliable } from '../../dialog/session-types';
import { EntityBase, SEND_IN_DIALOG } from './entity-base';
import { EntitiesError } from './entity-errors';
import { ReceivedRequestRecord, headersFor, requires100rel, withoutReliability, withoutTag } from './entity-records';
import type { EntityServices } from './entity-services';
import type { EntityOwner, ReplyOptions, SentRequest, ServerEntity } from './entity-types';

export class ServerEntityImpl extends EntityBase implements ServerEntity {
  readonly kind = 'server' as const;
  readonly invite: ReceivedRequestRecord;
  readonly initialRequest: SipRequest;
  readonly source: ReceiveContext;
  private reliable: ReliableProvisionals | undefined;
  private cancelled = false;

  constructor(
    services: EntityServices,
    key: string,
    hashIndex: number,
    invite: SipRequest,
    tx: ServerTransaction,
    owner: EntityOwner,
    private readonly contact: string,
    logicKey: string | undefined,
  ) {
    super(services, key, hashIndex, invite.callId, key, withoutTag(invite.to), withoutTag(invite.from), owner, logicKey);
    this.initialRequest = invite;
    this.source = tx.context;
    this.invite = new ReceivedRequestRecord(invite, this, tx, true);
    this.open.add(this.invite);
  }

  /** Called once the entity is in the tables: a caller that CANCELled before we took the INVITE over has had its 487. */
  start(): void {
    if (this.invite.tx.state === 'Proceeding') return;
    this.invite.answered = true;
    this.open.delete(this.invite);
    this.cancelled = true;
    this.schedule(0, () => this.end('cancelled'));
  }

  override get remoteContact(): Uri | undefined {
    return this.dialogValue?.remoteTarget ?? contactUri(this.initialRequest);
  }

  /** The layer answered a CANCEL for our INVITE (§9.2); the owner decides when the 487 goes. */
  onCancel(cancel: SipRequest): void {
    if (this.invite.answered || this.ended !== undefined) return;
    this.cancelled = true;
    this.owner.onCancel(this, cancel);
  }

  terminate(options: { readonly status?: number; readonly reasonHeader?: string } = {}): void {
    if (this.ended !== undefined) return;
    if (!this.invite.answered) {
      const status = options.status ?? 487;
      if (status < 300) throw new EntitiesError('bad-status', `terminate() of an unanswered server entity takes 300–699, got ${status}`);
      const headers: [string, string][] = options.reasonHeader === undefined ? [] : [['Reason', options.reasonHeader]];
      this.reply(this.invite, status, { headers });
      return;
    }
    this.byeNow();
  }

  protected replyInitial(received: ReceivedRequestRecord, status: number, options: ReplyOptions): boolean {
    const tx = received.tx;
    const invite = tx.request;
    if (status === 100) return tx.respond(buildResponse(invite, 100));
    if (status < 200) return this.sendProvisional(status, options);
    this.reliable?.stop();
    received.answered = true;
    this.open.delete(received);
    if (status >= 300) {
      tx.respond(buildResponse(invite, status, { reason: options.reason, headers: headersFor(options), body: options.body, toTag: this.key }));
      this.end(this.cancelled ? 'cancelled' : 'rejected');
      return true;
    }
    const dialog = this.ensureDialog(status);
    if (dialog === undefined) {
      // §8.1.1.8 / §12.1.1: an INVITE without a Contact cannot make a dialog.
      tx.respond(buildResponse(invite, 400, { reason: 'Bad Contact', toTag: this.key }));
      this.end('rejected');
      return true;
    }
    if (dialog.state === 'early') dialog.transition('confirmed', 'final-2xx');
    this.transition('confirmed', `${status} sent`);
    this.sendInvite2xx(tx, buildResponse(invite, status, {
      reason: options.reason, headers: headersFor(options), body: options.body, toTag: this.key, contact: this.contact,
    }));
    return true;
  }

  private sendProvisional(status: number, options: ReplyOptions): boolean {
    const tx = this.invite.tx;
    const invite = tx.request;
    const dialog = this.ensureDialog(status);
    if (dialog !== undefined && this.current === 'new') this.transition('early', `${status} sent`);
    const given = headersFor(options) ?? [];
    const passthru = this.services.config.passthruPrack;
    const reliable = !passthru && requires100rel(given);
    const response = buildResponse(invite, status, {
      reason: options.reason, headers: reliable ? withoutReliability(given) : given, body: options.body,
      toTag: this.key, contact: this.contact,
    });
    const callerSupports = [...invite.require, ...invite.supported].some((tag) => tag.toLowerCase() === '100rel');
    // RFC 3262 §3: reliability only toward a caller that supports it; we number (RSeq) and retransmit ourselves.
    if (reliable && callerSupports && dialog !== undefined) {
      this.reliableProvisionals().send(response);
      return true;
    }
    return tx.respond(response);
  }

  private reliableProvisionals(): ReliableProvisionals {
    if (this.reliable === undefined) {
      const tx = this.invite.tx;
      this.reliable = new ReliableProvisionals({
        timers: this.services.timers, random: this.services.random, t1Ms: this.services.t1Ms,
        retransmit: !viaIsReliable(tx.request),
        send: (response) => { tx.respond(response); },
        // RFC 3262 §3: the PRACK never came; the final answer is the owner's to give, so we only stop retransmitting.
        onGiveUp: () => this.services.logger.info({ key: this.key }, 'no PRACK for a reliable provisional'),
      });
    }
    return this.reliable;
  }

  protected override answerPrack(tx: ServerTransaction, prack: SipRequest): void {
    // RFC 3262 §3: a PRACK matching the unacknowledged provisional gets 200, any other 481.
    const matched = this.reliable?.onPrack(prack) === true;
    tx.respond(buildResponse(prack, matched ? 200 : 481, matched ? {} : { reason: 'No Matching Provisional' }));
  }

  protected sendSpecial(method: string): SentRequest | undefined | typeof SEND_IN_DIALOG {
    // A UAS cannot CANCEL, and cannot BYE before its final answer: that ends with a final reply instead.
    if (method === 'CANCEL') return undefined;
    if (method === 'BYE' && !this.invite.answered) {
      this.terminate();
      return undefined;
    }
    return SEND_IN_DIALOG;
  }

  protected dialogFor(request: SipRequest): Dialog | undefined {
    const dialog = this.dialogValue;
    return dialog !== undefined && request.fromTag === dialog.id.remoteTag ? dialog : undefined;
  }

  protected override onEnd(): void {
    this.reliable?.stop();
  }

  private ensureDialog(status: number): Dialog | undefined {
    if (this.dialogValue === undefined) {
      this.dialogValue = createUasDialog(this.initialRequest, status, {
        localTag: this.key, localContact: this.contact, overTls: this.source.protocol === 'tls',
      });
    }
    return this.dialogValue;
  }
}
