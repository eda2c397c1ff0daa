/**
 * The bridge media procedure (opensips-b2b.md §1.4 bridging semantics, §6.5 transfer variants, §6.7
 * provisional media, §6.8 lifetimes): a kept leg is joined to a new client by late SDP (or `no-late-sdp`),
 * optionally after a `hold` re-INVITE and a provisional-media connection, with NOTIFYs to the
 * initiator, rollback of a failed target, BYEs during bridging and the 491 re-INVITE retry.
 */
import type { EntityEndReason, EntityReply, ReceivedRequest, SentRequest } from '../../entities/entity-types';
import type { SipRequest } from '../../../sip/message';
import type { BridgeStart, ClientDeclaration, MediaProcedure, ProcedureHost } from '../scripted-types';
import type { Leg } from '../session';
import { BridgeFlow } from './bridge-flow';
import { endLeg, statusForEnd } from './bridge-steps';

export function bridgeProcedure(host: ProcedureHost, start: BridgeStart): MediaProcedure {
  const procedure = new BridgeProcedure(host, start);
  procedure.begin();
  return procedure;
}

/** The bridge as the session's dispatcher drives it: replies, requests, leg ends, `bridgeRetry`. */
class BridgeProcedure extends BridgeFlow {
  begin(): void {
    const flags = this.start.flags;
    // §6.8: no expiry while the new entity is called, unless `max_duration=N` (now + N, kept after the answer).
    this.host.services.setLifetime(this.host.session, flags.maxDurationS !== undefined && flags.maxDurationS > 0 ? flags.maxDurationS * 1000 : undefined);
    if (this.start.oldPeer === 'bye-now' && this.partner !== undefined) {
      // §1.4: MI and API bridges BYE the kept party's old peer at once.
      endLeg(this.partner);
      this.partner = undefined;
    }
    this.initiator.start();
    if (flags.hold === true) this.holdStep();
    else this.afterHold();
  }

  // ---- MediaProcedure (owns: BridgeCore) ----

  onReply(leg: Leg, reply: EntityReply, sent: SentRequest): void {
    if (this.initiator.onReply(leg, reply, sent)) {
      if (this.phase === 'finishing' && !this.initiator.waiting) this.complete();
      return;
    }
    if (this.reoffer?.onReply(leg, reply, sent) === true) return;
    if (sent.method !== 'INVITE' || this.retired.has(leg)) return;
    this.adopt(leg);
    if (leg === this.kept) {
      if (this.owns(sent)) this.onKeptReply(reply);
    }
    else if (leg === this.media) this.onMediaReply(reply);
    else if (leg === this.target) this.onTargetReply(reply);
  }

  onRequest(leg: Leg, request: ReceivedRequest): boolean {
    if (this.phase === 'done') return false;
    const method = request.request.method;
    if (method !== 'BYE') {
      // §6.5 29/30: a re-INVITE from either party while our retry waits is simply relayed: the bridge is done.
      if ((this.phase === 'reoffer-wait' || this.phase === 'finishing') && (leg === this.kept || leg === this.target)) {
        this.complete(true);
        return false;
      }
      if ((method !== 'INVITE' && method !== 'UPDATE') || !this.mediaBusy(leg)) return false;
      // §1.6 glare (RFC 3261 §14.2, RFC 3311 §5.2): our own offer/answer runs on this leg: 491, the party retries later.
      if (!request.answered) leg.entity.reply(request, 491);
      return true;
    }
    const known = leg === this.kept || leg === this.media || leg === this.target || leg === this.initiator.leg || leg === this.partner;
    if (!known) return false;
    // §1.4: a BYE during bridging is answered here and handled by the procedure.
    if (!request.answered) leg.entity.reply(request, 200);
    leg.disconnected = true;
    this.legGone(leg, 'bye-received');
    return true;
  }

  onAck(_leg: Leg, _ack: SipRequest): boolean {
    return false;
  }

  onCancel(_leg: Leg): boolean {
    return false;
  }

  onLegEnded(leg: Leg, reason: EntityEndReason): void {
    if (this.phase === 'done' || this.retired.has(leg)) return;
    if (this.reoffer?.onLegEnded(leg) === true) return;
    this.legGone(leg, reason);
  }

  retry(next: ClientDeclaration): boolean {
    if (this.phase !== 'target-calling') return false;
    // §2.1 b2b_bridge_retry: the failed client is dropped and the late-SDP bridge restarts with `next`.
    const old = this.target;
    if (old !== undefined) {
      this.retired.add(old);
      endLeg(old);
    }
    this.target = undefined;
    this.targetDecl = next;
    this.lateSdp = true;
    this.earlySdp = undefined;
    this.targetStep();
    return true;
  }

  // ---- ends ----

  /** The leg's media is the procedure's to change now: a re-INVITE/UPDATE from it would cross ours. */
  private mediaBusy(leg: Leg): boolean {
    if (leg === this.kept) return this.phase !== 'reoffer-wait' && this.phase !== 'finishing' && this.phase !== 'done';
    switch (this.phase) {
      case 'start': case 'hold': case 'media-kept-late':
        return this.keptTouched && leg === this.partner;
      case 'media-calling':
        return leg === this.media || (this.keptTouched && leg === this.partner);
      case 'target-calling': case 'kept-offering': case 'kept-late': case 'target-offering':
        // Once the kept party was re-INVITEd, its old partner's offers can no longer be relayed to it.
        return leg === this.target || (this.keptTouched && leg === this.partner);
      case 'rollback':
        return leg === this.partner;
      case 'reoffer-wait': case 'finishing': case 'done':
        return false;
      default: {
        const never: never = this.phase;
        throw new Error(`bridge: unknown phase ${String(never)}`);
      }
    }
  }

  private beforeAnswer(): boolean {
    switch (this.phase) {
      case 'start': case 'hold': case 'media-kept-late': case 'media-calling': case 'target-calling':
        return true;
      case 'kept-offering': case 'kept-late': case 'target-offering': case 'reoffer-wait': case 'finishing': case 'rollback': case 'done':
        return false;
      default: {
        const never: never = this.phase;
        throw new Error(`bridge: unknown phase ${String(never)}`);
      }
    }
  }

  private legGone(leg: Leg, reason: EntityEndReason): void {
    if (leg === this.kept) {
      this.failAll({ status: 487, reason: 'Request Terminated' });
      return;
    }
    if (leg === this.media) {
      // §1.4: BYE from the provisional-media leg: the target is called anyway.
      if (this.phase === 'media-calling') this.skipMedia();
      return;
    }
    if (leg === this.target) {
      // §1.4: BYE from the new entity (or its end without an answer) counts as its failure.
      this.fail(this.phase === 'target-calling' ? statusForEnd(reason) : { status: 480, reason: 'Temporarily Unavailable' });
      return;
    }
    if (leg === this.initiator.leg) {
      this.initiator.gone();
      // §1.4 / §6.5 33–34: the initiator hanging up with rollback-failed ends everything, while the target
      // has not answered; after its answer (issue #3118: the transferor BYEs at the final NOTIFY) the bridge goes on.
      if (reason === 'bye-received' && this.start.flags.rollbackFailed === true && this.beforeAnswer()) this.failAll({ status: 487, reason: 'Request Terminated' });
      else if (this.phase === 'finishing') this.complete();
    }
  }

}
