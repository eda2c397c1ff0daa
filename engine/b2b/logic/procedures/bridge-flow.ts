/**
 * The steps of the bridge procedure (opensips-b2b.md §1.4 late SDP, §6.5 21 hold, 22 no-late-sdp, §6.7
 * provisional media): what is sent to the kept leg, the media server and the new entity, and what each
 * of their INVITE replies leads to.
 */
import type { BodyPart } from '../../../dialog/request-factory';
import type { EntityReply } from '../../entities/entity-types';
import { bodyOf } from '../leg-headers';
import type { ClientDeclaration } from '../scripted-types';
import type { Leg } from '../session';
import { BridgeCore } from './bridge-core';
import { alive, endLeg, transition } from './bridge-steps';
import { holdSdp } from './sdp-hold';

export abstract class BridgeFlow extends BridgeCore {

  protected holdStep(): void {
    const held = this.kept.outSdp === undefined ? undefined : holdSdp(this.kept.outSdp);
    // §6.5 21: skipped when every stream already is inactive.
    if (held === undefined) {
      this.afterHold();
      return;
    }
    transition(this.host, 'bridging-hold');
    this.phase = 'hold';
    this.offerKept(held);
  }

  protected afterHold(): void {
    if (this.start.provMedia !== undefined) this.mediaStep();
    else this.targetStep();
  }

  /**
   * §6.7: the kept party is connected to the media server first: a late re-INVITE to the kept party,
   * its offer in the media server's INVITE, the media answer in the kept party's ACK.
   */
  protected mediaStep(): void {
    transition(this.host, 'bridging');
    this.phase = 'media-kept-late';
    this.offerKept(undefined);
  }

  /** The media server's INVITE carries the kept party's offer; the kept 2xx waits for the media answer. */
  protected callMedia(declaration: ClientDeclaration, offer: BodyPart): void {
    this.keptAckDue = true;
    this.phase = 'media-calling';
    const headers = this.start.flags.provmediaExtraHeaders === true ? this.targetDecl.headers : undefined;
    const leg = this.startClient(declaration, headers === undefined ? { body: offer } : { body: offer, headers: [...headers] });
    if (leg === undefined) {
      if (this.phase === 'media-calling') this.skipMedia();
      return;
    }
    if (this.phase === 'media-calling' && this.media === undefined) this.media = leg;
  }

  /** §6.7: a media server that fails (or is not reached) is skipped; the kept party keeps its last SDP. */
  protected skipMedia(): void {
    this.ackKeptNow(this.kept.outSdp);
    endLeg(this.media);
    this.targetStep();
  }

  protected targetStep(): void {
    transition(this.host, this.lateSdp ? 'bridging' : 'bridging-init-sdp');
    this.phase = 'target-calling';
    const body = this.lateSdp ? undefined : this.kept.inSdp;
    const leg = this.startClient(this.targetDecl, body === undefined ? {} : { body });
    if (leg === undefined) {
      if (this.phase === 'target-calling') this.fail({ status: 500, reason: 'Server Internal Error' });
      return;
    }
    if (this.phase === 'target-calling' && this.target === undefined && !this.retired.has(leg)) this.target = leg;
    if (this.target === leg && body !== undefined && leg.outSdp === undefined) leg.outSdp = body;
  }

  /** A client INVITE that failed while being sent reports before `startClient` returns: file it by phase. */
  protected adopt(leg: Leg): void {
    if (leg === this.kept || leg === this.media || leg === this.target || leg.entity.kind !== 'client') return;
    if (this.phase === 'media-calling' && this.media === undefined) this.media = leg;
    else if (this.phase === 'target-calling' && this.target === undefined) this.target = leg;
  }

  protected onKeptReply(reply: EntityReply): void {
    if (reply.status < 200 || !this.awaitingKept) return;
    this.awaitingKept = false;
    const body = reply.response === undefined ? undefined : bodyOf(reply.response);
    const ok = reply.status < 300;
    if (ok && body !== undefined) this.kept.inSdp = body;
    if (this.deferred !== undefined) {
      const failure = this.deferred;
      this.deferred = undefined;
      if (ok) {
        // The kept 2xx is ACKed first; one that carried an offer gets the best answer we have.
        const answer = this.phase === 'kept-late' && body !== undefined ? this.fallbackAnswer() : undefined;
        this.kept.entity.sendAck(answer === undefined ? {} : { body: answer });
      }
      this.fail(failure);
      return;
    }
    if (reply.status === 491) {
      this.later(() => this.resendKept(), () => this.settled ? this.complete(true) : this.failAll({ status: 500, reason: 'Server Internal Error' }));
      return;
    }
    // §6.6: 481 or 408 to a re-INVITE: the kept dialog is dead.
    if (reply.status === 481 || reply.status === 408) {
      this.failAll(reply);
      return;
    }
    switch (this.phase) {
      case 'hold':
        if (ok) this.kept.entity.sendAck();
        this.afterHold();
        return;
      case 'media-kept-late':
        if (ok && body !== undefined && this.start.provMedia !== undefined) {
          this.callMedia(this.start.provMedia, body);
          return;
        }
        if (ok) this.kept.entity.sendAck();
        this.targetStep();
        return;
      case 'kept-offering':
        if (!ok) {
          this.fail(reply);
          return;
        }
        // The target's 2xx carried an offer (late SDP): the kept answer goes in its ACK. After provisional
        // media with no-late-sdp the target made an answer (the kept party got it as an offer): plain ACK.
        if (this.lateSdp && this.target !== undefined && body !== undefined) this.target.outSdp = body;
        this.target?.entity.sendAck(this.lateSdp && body !== undefined ? { body } : {});
        this.kept.entity.sendAck();
        this.complete();
        return;
      case 'kept-late':
        if (!ok) {
          // A refused retry (§6.5 30) leaves the call on the SDPs both parties already have.
          if (this.settled) this.complete(true);
          else this.fail(reply);
          return;
        }
        if (body === undefined) {
          this.kept.entity.sendAck();
          this.complete();
          return;
        }
        this.keptAckDue = true;
        this.offerTarget();
        return;
      case 'start': case 'media-calling': case 'target-calling': case 'target-offering': case 'reoffer-wait':
      case 'finishing': case 'rollback': case 'done':
        return;
      default: {
        const never: never = this.phase;
        throw new Error(`bridge: unknown phase ${String(never)}`);
      }
    }
  }

  protected onMediaReply(reply: EntityReply): void {
    if (this.phase !== 'media-calling' || reply.status < 200) return;
    const media = this.media!;
    media.finalStatus = reply.status;
    const answer = reply.response === undefined ? undefined : bodyOf(reply.response);
    if (reply.status >= 300 || answer === undefined) {
      this.skipMedia();
      return;
    }
    media.state = 'confirmed';
    media.stats.setupMs = this.host.services.clock.nowMs();
    media.inSdp = answer;
    this.ackKeptNow(answer);
    media.entity.sendAck();
    this.targetStep();
  }

  protected onTargetReply(reply: EntityReply): void {
    const target = this.target!;
    const body = reply.response === undefined ? undefined : bodyOf(reply.response);
    if (this.phase === 'target-calling') {
      if (reply.status < 200) {
        if (body !== undefined) this.earlySdp = body;
        return;
      }
      target.finalStatus = reply.status;
      if (reply.status < 300) this.targetAnswered(target, reply, body);
      else this.targetRejected(target, reply);
      return;
    }
    if (this.phase !== 'target-offering' || reply.status < 200) return;
    if (reply.status < 300) {
      if (body !== undefined) {
        target.inSdp = body;
        this.kept.outSdp = body;
      }
      target.entity.sendAck();
      this.ackKeptNow(body ?? target.inSdp);
      this.complete();
      return;
    }
    // §6.5 29/30: the kept party gets the target's last SDP, the call stays up, the re-INVITE is retried.
    this.ackKeptNow(target.inSdp);
    if (reply.status === 491) {
      this.waitReoffer();
      return;
    }
    if (reply.status === 481 || reply.status === 408) this.fail(reply);
    else this.complete();
  }

  protected targetAnswered(target: Leg, reply: EntityReply, body: BodyPart | undefined): void {
    target.state = 'confirmed';
    target.stats.setupMs = this.host.services.clock.nowMs();
    const offer = body ?? this.earlySdp;
    if (offer !== undefined) target.inSdp = offer;
    // §6.7: the target answered, the media leg goes.
    endLeg(this.media);
    // §1.4: the initiator is ended when the new entity answers (after its final NOTIFY with `notify`).
    this.initiator.final(reply.status, reply.reason, true);
    transition(this.host, 'bridging');
    // Late SDP: the target's offer goes to the kept party. After provisional media OpenSIPS does the same
    // with whatever the target sent (its answer under no-late-sdp, §6.5 23: the target sees no re-INVITE).
    if (offer !== undefined && (this.lateSdp || this.start.provMedia !== undefined)) {
      this.phase = 'kept-offering';
      this.offerKept(offer);
      return;
    }
    // no-late-sdp (or a target that sent no offer): its 2xx is ACKed now, the kept party makes the offer.
    target.entity.sendAck();
    this.phase = 'kept-late';
    this.offerKept(undefined);
  }

  protected targetRejected(target: Leg, reply: EntityReply): void {
    if (this.host.rejectDecision(target, reply) === 'drop') {
      // §2.6: the API user keeps the kept party waiting; only the failed entity and the media leg go.
      this.retired.add(target);
      this.initiator.final(reply.status, reply.reason, false);
      endLeg(this.media);
      this.finishFailed(reply, false);
      return;
    }
    this.fail(reply);
  }

  // ---- sends ----

  protected offerKept(body: BodyPart | undefined): void {
    this.keptBody = body;
    this.keptTouched = true;
    this.awaitingKept = true;
    if (body !== undefined) this.kept.outSdp = body;
    if (this.send(this.kept, 'INVITE', body === undefined ? {} : { body }) !== undefined) return;
    this.awaitingKept = false;
    if (!alive(this.kept)) this.failAll({ status: 481, reason: 'Call/Transaction Does Not Exist' });
    else this.later(() => this.resendKept(), () => this.settled ? this.complete(true) : this.failAll({ status: 500, reason: 'Server Internal Error' }));
  }

  protected resendKept(): void {
    if (!alive(this.kept)) return;
    this.offerKept(this.keptBody);
  }

  protected offerTarget(): void {
    const target = this.target;
    const offer = this.kept.inSdp;
    if (!alive(target)) return;
    this.phase = 'target-offering';
    if (offer !== undefined) target.outSdp = offer;
    if (this.send(target, 'INVITE', offer === undefined ? {} : { body: offer }) !== undefined) return;
    // The target has an INVITE of its own open: its answer is on the way, the kept party gets the last SDP.
    this.ackKeptNow(target.inSdp);
    this.waitReoffer();
  }

  /**
   * §6.5 30: the kept party and the target hold each other's last SDPs; 2.1 s later the bridge restarts
   * from the kept party (OpenSIPS's bridge-retry timer, bridging_start_old_ent): a late re-INVITE, whose
   * fresh offer then goes to the target. Giving up leaves the call on the SDPs it has.
   */
  private waitReoffer(): void {
    this.phase = 'reoffer-wait';
    this.settled = true;
    this.later(() => {
      if (!alive(this.target) || !alive(this.kept)) return;
      this.phase = 'kept-late';
      this.offerKept(undefined);
    }, () => this.complete(true));
  }
}
