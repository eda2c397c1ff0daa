/**
 * The client entity (opensips-b2b.md §1.1, §1.3, §1.6): the UAC half that starts a dialog with an
 * INVITE whose Call-ID is its key. Replies go to the owner (never 100); the 2xx is ACKed by the owner,
 * end to end (§13.2.2.4); reliable provisionals get our own PRACK (RFC 3262 §4) unless passthru_prack;
 * forks, CANCEL after a provisional only (§9.1), and a 64·T1 limit on a CANCELled INVITE (§9.1).
 */
import { createCancel } from '../../sip';
import type { SipRequest, SipResponse } from '../../sip/message';
import type { Dialog } from '../../dialog/dialog';
import { updateUacDialogFromResponse } from '../../dialog/dialog-create';
import { isReliableProvisional } from '../../dialog/reliable-provisionals';
import { EntityBase, SEND_IN_DIALOG } from './entity-base';
import { EntitiesError } from './entity-errors';
import { SentRequestRecord, withoutTag } from './entity-records';
import { ignoringUser, type EntityServices } from './entity-services';
import type { ClientEntity, ClientSpec, EntityOwner, SendOptions, SentRequest } from './entity-types';
import { ClientForks, buildClientInvite } from './client-forks';
import { OutgoingRequest } from './outgoing-request';

export class ClientEntityImpl extends EntityBase implements ClientEntity {
  readonly kind = 'client' as const;
  readonly invite: SentRequestRecord;
  readonly initialRequest: SipRequest;
  private readonly forks: ClientForks;
  private outgoingInvite: OutgoingRequest | undefined;
  private inviteSeq: number;
  private provisionalSeen = false;
  private cancel: { readonly reasonHeader: string | undefined; sent: boolean } | undefined;
  private finalSeen = false;

  constructor(
    services: EntityServices,
    key: string,
    hashIndex: number,
    private readonly spec: ClientSpec,
    owner: EntityOwner,
    logicKey: string | undefined,
  ) {
    const localTag = spec.fromTag ?? services.random.token(10);
    super(services, key, hashIndex, key, localTag, withoutTag(spec.from), spec.to, owner, logicKey);
    this.inviteSeq = spec.cseq ?? 1;
    this.initialRequest = buildClientInvite(spec, key, localTag, this.inviteSeq, services);
    this.invite = new SentRequestRecord('INVITE', this.initialRequest, this);
    this.forks = new ClientForks(services, spec.contact);
  }

  /** Sends the INVITE (after the layer filed the entity, so re-entrant callbacks find it). */
  start(): void {
    const destination = this.spec.destination ?? this.services.resolve(this.spec.requestUri);
    if (destination === undefined) {
      // §8.1.3.1: no next hop is a transport failure; told asynchronously, since clientNew has not returned yet.
      this.schedule(0, () => this.onInviteFailure(503, 'No Route To Target'));
      return;
    }
    const out = new OutgoingRequest(this.services, this.initialRequest, destination, () => ++this.inviteSeq, {
      onResponse: (response) => this.onInviteResponse(response),
      onFailure: (status, reason) => this.onInviteFailure(status, reason),
    });
    this.outgoingInvite = out;
    out.start();
  }

  terminate(options: { readonly status?: number; readonly reasonHeader?: string } = {}): void {
    if (this.ended !== undefined) return;
    if (this.current === 'confirmed') this.byeNow();
    else this.cancelInvite(options.reasonHeader);
  }

  protected replyInitial(): boolean {
    throw new EntitiesError('foreign-request', 'a client entity has no received INVITE to reply to');
  }

  protected sendSpecial(method: string, options: SendOptions): SentRequest | undefined | typeof SEND_IN_DIALOG {
    if (method !== 'BYE' && method !== 'CANCEL') return SEND_IN_DIALOG;
    // §1.6: BYE on an unconfirmed client dialog becomes CANCEL; CANCEL on a confirmed one becomes ACK + BYE.
    if (this.current !== 'confirmed') return this.cancelInvite(reasonOf(options));
    if (method === 'CANCEL') {
      this.flushAck();
      const dialog = this.dialogValue;
      return dialog === undefined ? undefined : this.sendInDialog(dialog, 'BYE', {}, true);
    }
    return SEND_IN_DIALOG;
  }

  protected dialogFor(request: SipRequest): Dialog | undefined {
    const winner = this.forks.winner;
    if (winner !== undefined) return request.fromTag === winner.dialog.id.remoteTag ? winner.dialog : undefined;
    return this.forks.byTag(request.fromTag)?.dialog;
  }

  override onStrayResponse(response: SipResponse): void {
    if (response.cseq.method !== 'INVITE' || response.status < 200 || response.status >= 300) return;
    if (response.cseq.seq === this.inviteSeq) this.on2xx(response);
    else super.onStrayResponse(response);
  }

  protected override onEnd(): void {
    this.forks.clear();
    // Deleted before any final answer: the INVITE transaction is dropped too, so nothing waits for ever.
    if (!this.finalSeen) this.outgoingInvite?.tx?.terminate();
  }

  // ---- the INVITE's responses (the transaction outlives the entity so late 2xx still get ACK + BYE) ----

  private onInviteResponse(response: SipResponse): void {
    const status = response.status;
    if (status < 200) this.onProvisional(response);
    else if (status < 300) this.on2xx(response);
    else if (!this.finalSeen && this.ended === undefined) {
      this.finalSeen = true;
      this.deliverReply(this.invite, status, response.reason, response);
      this.end(this.cancel !== undefined ? 'cancelled' : 'rejected');
    }
  }

  private onProvisional(response: SipResponse): void {
    this.provisionalSeen = true;
    if (this.cancel !== undefined && !this.cancel.sent) this.sendCancel();
    // §1.5: 100 Trying is hop by hop; the owner never sees it.
    if (this.finalSeen || this.ended !== undefined || response.status === 100) return;
    const fork = this.forks.forkFor(this.currentInvite(), response);
    if (fork !== undefined) {
      updateUacDialogFromResponse(fork.dialog, response);
      this.dialogValue = fork.dialog;
      if (this.current === 'new') this.transition('early', `${response.status} received`);
      if (!this.services.config.passthruPrack && isReliableProvisional(response)) {
        // RFC 3262 §4: each new reliable provisional is PRACKed once; retransmissions are not passed up.
        if (fork.tracker.accept(response) === 'ignore') return;
        const rack = `${response.rseq ?? 0} ${response.cseq.seq} ${response.cseq.method}`;
        this.sendInDialog(fork.dialog, 'PRACK', { headers: [['RAck', rack]] }, false);
      }
    }
    this.deliverReply(this.invite, response.status, response.reason, response);
  }

  private on2xx(response: SipResponse): void {
    const winner = this.forks.winner;
    if (winner !== undefined) {
      // §13.2.2.4: the winner's retransmission gets the same ACK; another fork's 2xx gets ACK + BYE (§1.6).
      if (response.toTag === winner.dialog.id.remoteTag) this.ackRetransmitted(response);
      else this.forks.ackAndBye(this.currentInvite(), response);
      return;
    }
    if (this.ended !== undefined || this.cancel !== undefined || this.finalSeen) {
      // §1.6: any 2xx after the entity was terminated gets ACK + BYE.
      this.forks.ackAndBye(this.currentInvite(), response);
      if (this.ended === undefined) {
        this.finalSeen = true;
        this.end('cancelled');
      }
      return;
    }
    const fork = this.forks.forkFor(this.currentInvite(), response);
    if (fork === undefined) return;
    updateUacDialogFromResponse(fork.dialog, response);
    this.forks.confirm(fork);
    this.dialogValue = fork.dialog;
    this.finalSeen = true;
    this.ackDue = { cseq: response.cseq.seq, dialog: fork.dialog };
    this.transition('confirmed', `${response.status} received`);
    this.deliverReply(this.invite, response.status, response.reason, response);
  }

  private onInviteFailure(status: 408 | 503, reason: string): void {
    if (this.finalSeen || this.ended !== undefined) return;
    const endReason = this.cancel !== undefined ? 'cancelled' : status === 408 ? 'timeout' : 'transport-error';
    // RFC 3261 §16.8 (Timer C): a callee still ringing when we give up is CANCELled, or it rings on for ever;
    // the INVITE transaction stays in Proceeding for its 487 (ACKed there), so it is not terminated here.
    if (status === 408 && this.provisionalSeen && this.cancel === undefined) {
      this.cancel = { reasonHeader: undefined, sent: false };
      this.sendCancel();
    }
    this.finalSeen = true;
    this.deliverReply(this.invite, status, reason, undefined);
    this.end(endReason);
  }

  /** §9.1: CANCEL only once a provisional arrived; before that it waits for one. */
  private cancelInvite(reasonHeader: string | undefined): SentRequest | undefined {
    if (this.cancel !== undefined || this.finalSeen || this.ended !== undefined) return undefined;
    this.cancel = { reasonHeader, sent: false };
    // §9.1: without a final response 64·T1 after the CANCEL, the transaction is considered cancelled.
    this.schedule(64 * this.services.t1Ms, () => this.onCancelTimeout());
    return this.provisionalSeen ? this.sendCancel() : undefined;
  }

  private sendCancel(): SentRequest | undefined {
    const tx = this.outgoingInvite?.tx;
    const cancel = this.cancel;
    if (tx === undefined || cancel === undefined || cancel.sent) return undefined;
    cancel.sent = true;
    let request = createCancel(tx.request);
    if (cancel.reasonHeader !== undefined) request = request.withHeader('Reason', cancel.reasonHeader);
    this.services.transactions.sendRequest(request, tx.destination, ignoringUser);
    return new SentRequestRecord('CANCEL', request, this);
  }

  private onCancelTimeout(): void {
    if (this.finalSeen || this.ended !== undefined) return;
    this.finalSeen = true;
    this.outgoingInvite?.tx?.terminate();
    this.deliverReply(this.invite, 487, 'Request Terminated', undefined);
    this.end('cancelled');
  }

  /** The INVITE as sent last (an auth retry changes its CSeq and branch). */
  private currentInvite(): SipRequest {
    return this.outgoingInvite?.request ?? this.initialRequest;
  }
}

function reasonOf(options: SendOptions): string | undefined {
  return options.headers?.find(([name]) => name.toLowerCase() === 'reason')?.[1];
}
