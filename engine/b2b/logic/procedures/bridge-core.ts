/**
 * The state and outcomes of the bridge procedure (opensips-b2b.md §1.4 bridging, §6.5 rollback and 491
 * retry, §6.8 lifetimes): sends and timers it owns, success (kept ↔ target, the bridge lifetime),
 * failure (rollback to the old pair, or the session ends).
 */
import type { BodyPart } from '../../../dialog/request-factory';
import type { ClientEntity, EntityEndReason, EntityReply, ReceivedRequest, SendOptions, SentRequest } from '../../entities/entity-types';
import type { SipRequest } from '../../../sip/message';
import type { TimerId } from '../../../timers/timer-service';
import type { HeaderPairs } from '../leg-headers';
import { maxDurationMs } from '../logic-services';
import type { BridgeStart, ClientDeclaration, MediaProcedure, ProcedureHost } from '../scripted-types';
import type { Leg } from '../session';
import { InitiatorLink } from './bridge-initiator';
import { LateReoffer } from './bridge-reoffer';
import { REINVITE_MAX_RETRIES, REINVITE_RETRY_MS, REINVITE_WARN_MS, alive, endLeg, transition } from './bridge-steps';

/**
 * `hold`: kept re-INVITEd inactive · `media-kept-late` / `media-calling`: provisional media being
 * connected (kept re-INVITEd late, then the media server called with its offer) · `target-calling`:
 * the new entity's INVITE is out · `kept-offering` (late SDP): kept re-INVITEd with the target's offer ·
 * `kept-late` (no-late-sdp): kept re-INVITEd without SDP · `target-offering`: target re-INVITEd with the
 * kept's offer · `reoffer-wait`: 491 from the target, the late re-INVITE of the kept party armed · `finishing`: connected, the final NOTIFY
 * still unanswered · `rollback`: the old pair being re-offered · `done`.
 */
export type Phase =
  | 'start' | 'hold' | 'media-kept-late' | 'media-calling' | 'target-calling' | 'kept-offering' | 'kept-late'
  | 'target-offering' | 'reoffer-wait' | 'finishing' | 'rollback' | 'done';

export interface Failure { readonly status: number; readonly reason: string }

export abstract class BridgeCore implements MediaProcedure {
  readonly kind = 'bridge' as const;
  protected phase: Phase = 'start';
  protected readonly kept: Leg;
  protected media: Leg | undefined;
  protected target: Leg | undefined;
  protected targetDecl: ClientDeclaration;
  protected lateSdp: boolean;
  /** The kept leg's partner before the bridge: what `rollback-failed` restores. */
  protected partner: Leg | undefined;
  protected readonly pairOrder: readonly [Leg, Leg] | undefined;
  protected readonly initiator: InitiatorLink;
  protected readonly mine = new Set<SentRequest>();
  /** Legs replaced by `retry`: their late replies and ends are ignored. */
  protected readonly retired = new Set<Leg>();
  protected sending = 0;
  /** A re-INVITE of ours on the kept leg waits for its final reply. */
  protected awaitingKept = false;
  /** The body of that re-INVITE (undefined: late), for a resend after 491. */
  protected keptBody: BodyPart | undefined;
  /** The kept leg's 2xx carried an offer and waits for the ACK with the answer. */
  protected keptAckDue = false;
  /** The kept leg was re-INVITEd: a rollback re-offers the old pair. */
  protected keptTouched = false;
  protected deferred: Failure | undefined;
  /** The kept party and the target already exchanged SDPs (§6.5 30 retry): a refused retry keeps the call. */
  protected settled = false;
  protected earlySdp: BodyPart | undefined;
  protected readonly timers = new Set<TimerId>();
  protected retries = 0;
  protected firstRetryMs: number | undefined;
  protected warned = false;
  protected readonly startMs: number;
  protected reoffer: LateReoffer | undefined;

  constructor(protected readonly host: ProcedureHost, protected readonly start: BridgeStart) {
    this.kept = start.kept;
    this.targetDecl = start.target;
    this.lateSdp = start.flags.noLateSdp !== true;
    const initiator = start.initiator === start.kept ? undefined : start.initiator;
    this.partner = start.kept.peer ?? initiator;
    const pair = host.session.bridgeEntities;
    this.pairOrder = this.partner !== undefined && pair.length >= 2 && pair.includes(this.kept) && pair.includes(this.partner)
      ? [pair[0]!, pair[1]!] : undefined;
    this.initiator = new InitiatorLink(host, this, initiator, start.flags.notify === true, start.referCseq, (sent) => this.mine.add(sent));
    this.startMs = host.services.clock.nowMs();
  }

  abstract onReply(leg: Leg, reply: EntityReply, sent: SentRequest): void;
  abstract onRequest(leg: Leg, request: ReceivedRequest): boolean;
  abstract onAck(leg: Leg, ack: SipRequest): boolean;
  abstract onCancel(leg: Leg): boolean;
  abstract onLegEnded(leg: Leg, reason: EntityEndReason): void;
  abstract retry(next: ClientDeclaration): boolean;

  owns(sent: SentRequest): boolean {
    return this.sending > 0 || this.mine.has(sent);
  }

  protected startClient(declaration: ClientDeclaration, options: { readonly body?: BodyPart; readonly headers?: HeaderPairs }): Leg | undefined {
    this.sending++;
    try {
      const leg = this.host.startClient(this, declaration, options);
      if (leg.entity.kind === 'client') this.mine.add((leg.entity as ClientEntity).invite);
      return leg;
    } catch (error) {
      this.host.services.logger.warn({ key: this.host.session.key, id: declaration.id, error: String(error) }, 'bridge: client INVITE not sent');
      return undefined;
    } finally {
      this.sending--;
    }
  }

  // ---- replies ----


  protected send(leg: Leg, method: string, options?: SendOptions): SentRequest | undefined {
    this.sending++;
    try {
      const sent = this.host.send(this, leg, method, options);
      if (sent !== undefined) this.mine.add(sent);
      return sent;
    } finally {
      this.sending--;
    }
  }

  protected ackKeptNow(body: BodyPart | undefined): void {
    if (!this.keptAckDue) return;
    this.keptAckDue = false;
    if (body !== undefined) this.kept.outSdp = body;
    this.kept.entity.sendAck(body === undefined ? {} : { body });
  }

  /** An answer for a kept 2xx whose offer can no longer reach the target. */
  protected fallbackAnswer(): BodyPart | undefined {
    return this.target?.inSdp ?? this.kept.outSdp;
  }

  /** §6.5 29/30: the step runs again after 2.1 s; a warning once it is 4 s late; `giveUp` after the last try. */
  protected later(step: () => void, giveUp: () => void): void {
    const clock = this.host.services.clock;
    this.firstRetryMs ??= clock.nowMs();
    if (this.retries >= REINVITE_MAX_RETRIES) {
      giveUp();
      return;
    }
    this.retries++;
    const id = this.host.services.timers.schedule(REINVITE_RETRY_MS, () => {
      this.timers.delete(id);
      if (this.phase === 'done' || this.host.session.destroyed) return;
      if (!this.warned && clock.nowMs() - this.firstRetryMs! >= REINVITE_WARN_MS) {
        this.warned = true;
        this.host.services.logger.warn({ key: this.host.session.key, retries: this.retries }, 'bridge: re-INVITE still refused');
      }
      step();
    });
    this.timers.add(id);
  }

  protected cancelTimers(): void {
    for (const id of this.timers) this.host.services.timers.cancel(id);
    this.timers.clear();
  }

  // ---- ends ----

  protected fail(failure: Failure): void {
    if (this.phase === 'done' || this.phase === 'rollback') return;
    if (this.awaitingKept) {
      this.deferred = failure;
      return;
    }
    this.ackKeptNow(this.fallbackAnswer());
    this.cancelTimers();
    if (this.target !== undefined) this.retired.add(this.target);
    endLeg(this.target);
    endLeg(this.media);
    this.initiator.final(failure.status, failure.reason, false);
    const partner = this.partner;
    if (this.start.flags.rollbackFailed !== true || !alive(partner) || !alive(this.kept)) {
      this.failAll(failure);
      return;
    }
    this.initiator.keep();
    if (!this.keptTouched) {
      this.restorePairing(partner);
      this.finishFailed(failure, false);
      return;
    }
    // §6.5 15/16: the kept party heard other media: the old pair is re-offered (late SDP from the old peer).
    this.phase = 'rollback';
    transition(this.host, 'bridging');
    this.reoffer = new LateReoffer((leg, method, options) => this.send(leg, method, options), partner, this.kept, (ok) => {
      if (!ok) {
        this.failAll(failure);
        return;
      }
      this.restorePairing(partner);
      this.finishFailed(failure, false);
    });
    this.reoffer.start();
  }

  /** Everything ends (the kept party is gone or nothing can be restored). */
  protected failAll(failure: Failure): void {
    if (this.phase === 'done') return;
    this.cancelTimers();
    endLeg(this.target);
    endLeg(this.media);
    // No NOTIFY here: the initiator is ended with the session (a target failure notified it already).
    this.finishFailed(failure, true);
  }

  protected finishFailed(failure: Failure, endSession: boolean): void {
    this.phase = 'done';
    this.cancelTimers();
    this.host.failed(this, { status: failure.status, reason: failure.reason, endSession });
  }

  protected restorePairing(partner: Leg): void {
    const [first, second] = this.pairOrder ?? [this.kept, partner];
    this.host.services.bridge(this.host.session, first, second);
    this.host.services.setLifetime(this.host.session, maxDurationMs(this.host.services.config));
  }

  /** Success: kept ↔ target; `force` ends the initiator now instead of waiting for its NOTIFY's answer. */
  protected complete(force = false): void {
    if (this.phase === 'done') return;
    const target = this.target;
    if (target === undefined) return;
    if (this.initiator.waiting && !force) {
      this.phase = 'finishing';
      return;
    }
    if (this.initiator.waiting) this.initiator.end();
    this.phase = 'done';
    this.cancelTimers();
    const maxS = this.start.flags.maxDurationS;
    const lifetimeMs = maxS !== undefined && maxS > 0
      ? Math.max(0, this.startMs + maxS * 1000 - this.host.services.clock.nowMs())
      : maxDurationMs(this.host.services.config);
    this.host.completed(this, this.kept, target, lifetimeMs);
  }
}
