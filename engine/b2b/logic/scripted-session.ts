/**
 * The dispatcher of a script-driven session (opensips-b2b.md §1.2 pipeline step 4, §1.4, §1.5, §2.1,
 * §2.6): a running media procedure gets first refusal, unclassified methods are relayed, API callbacks
 * decide next, then the session's b2b_logic request/reply route (or the automatic handling).
 */
import type { SipRequest, SipResponse } from '../../sip/message';
import type { BodyPart } from '../../dialog/request-factory';
import type { EntityEndReason, EntityReply, ReceivedRequest, SentRequest } from '../entities/entity-types';
import type { HeaderPairs } from './leg-headers';
import type { PeerDialogLookup } from './replaces';
import { bridgeSides } from './bridge-sides';
import { RequestRun, ReplyRun, type RouteVerbs } from './route-contexts';
import { ScriptedHost, type ScriptedDeps } from './scripted-host';
import { ScriptedRelay } from './scripted-relay';
import {
  LogicUsageError, type BridgeFlags, type CallbackDecision, type ClientDeclaration, type HandleReplyFlags, type LogicRequestContext,
} from './scripted-types';
import { DELETE_GRACE_MS, liveLegs, type Leg, type Session, type SessionHandler } from './session';

/** §1.5: the methods the logic classifies; anything else is relayed without running the route. */
const CLASSIFIED: ReadonlySet<string> = new Set(['INVITE', 'ACK', 'BYE', 'MESSAGE', 'SUBSCRIBE', 'NOTIFY', 'REFER', 'CANCEL', 'UPDATE', 'INFO']);

/** Leg ends that are nobody's decision: the party left alone is ended too (as top hiding does). */
const UNEXPECTED_END: ReadonlySet<EntityEndReason> = new Set(['timeout', 'transport-error', 'ack-timeout']);

export class ScriptedSession extends ScriptedHost implements SessionHandler, RouteVerbs {
  private readonly relay: ScriptedRelay;
  /** The peer a leg had before `endDlgLeg` / its end unpaired it: `"peer"` still names it in the same route (§6.5). */
  private readonly formerPeer = new WeakMap<Leg, Leg>();
  private destroyedOnce = false;

  constructor(session: Session, deps: ScriptedDeps, peerDialog: PeerDialogLookup) {
    super(session, deps);
    this.relay = new ScriptedRelay(this.services, session, peerDialog);
  }

  // ---- SessionHandler: requests ----

  onRequest(leg: Leg, received: ReceivedRequest): void {
    const request = received.request;
    const method = request.method;
    if (this.procedure?.onRequest(leg, received) === true) return;
    if (!CLASSIFIED.has(method)) {
      this.passRequest(leg, request, received, undefined);
      return;
    }
    const decision = this.callbackDecision(leg, request);
    if (decision === 'drop') {
      this.drop(leg, received);
      return;
    }
    const route = this.session.routes?.request;
    if (decision === 'pass' || route === undefined) {
      this.passRequest(leg, request, received, undefined);
      return;
    }
    this.runRequestRoute(route, leg, request, received);
  }

  onAck(leg: Leg, ack: SipRequest): void {
    if (this.procedure?.onAck(leg, ack) === true) return;
    const route = this.session.routes?.request;
    if (route === undefined) this.passRequest(leg, ack, undefined, undefined);
    else this.runRequestRoute(route, leg, ack, undefined);
  }

  onCancel(leg: Leg): void {
    if (this.procedure?.onCancel(leg) === true) return;
    // No procedure is calling anyone for this caller (an API user left it waiting): 487 and the session ends.
    this.session.cancelled = true;
    if (leg.entity.kind === 'server') leg.entity.terminate({ status: 487 });
    this.services.endAllLegs(this.session);
  }

  // ---- SessionHandler: replies ----

  onReply(leg: Leg, reply: EntityReply, sent: SentRequest): void {
    const owner = this.ownerOf(sent);
    if (owner !== undefined && !owner.live) return;
    if (owner === undefined && this.relay.causeOf(leg, sent) === undefined) return;
    // Procedure NOTIFYs/BYEs and anything once the session is being deleted are handled without the route (§1.5).
    const shown = owner === undefined || sent.method === 'INVITE';
    const route = shown && this.session.state !== 'cancel' ? this.session.routes?.reply : undefined;
    if (route === undefined) {
      this.handleReply(leg, reply, sent, {}, undefined);
      return;
    }
    const run = new ReplyRun(this, leg, reply, sent);
    try {
      route(run);
    } finally {
      run.close();
    }
    if (run.decided || reply.status < 200 || this.session.destroyed) return;
    // DEPARTURE (no leg left half-done): a final reply the route did not handle is handled automatically.
    this.services.logger.warn({ key: this.session.key, route: routeName(route, 'reply'), status: reply.status, method: sent.method },
      'b2b reply route neither handled nor retried a final reply: handled automatically');
    this.handleReply(leg, reply, sent, {}, undefined);
  }

  onLegEnded(leg: Leg, reason: EntityEndReason): void {
    this.procedure?.onLegEnded(leg, reason);
    const told481 = this.relay.legEnded(leg);
    const session = this.session;
    const peer = leg.peer;
    this.unpair(leg);
    if (session.destroyed || session.state === 'cancel') return;
    if (liveLegs(session).length === 0) {
      this.services.markForDeletion(session);
      return;
    }
    if (this.procedure === undefined && peer !== undefined && !peer.ended && UNEXPECTED_END.has(reason)) {
      this.services.endAllLegs(session, leg);
      return;
    }
    for (const from of told481) this.dialogGone(from, false);
  }

  /** Called once by the session core when the session is freed. */
  onDestroyed(): void {
    if (this.destroyedOnce) return;
    this.destroyedOnce = true;
    this.releaseTimers();
    this.session.callbacks?.onDestroy?.({ key: this.session.key, stats: this.stats() });
  }

  // ---- RouteVerbs ----

  passRequest(leg: Leg, request: SipRequest, received: ReceivedRequest | undefined, edited: SipRequest | undefined): void {
    const target = this.livePeer(leg);
    if (request.method === 'ACK') {
      if (target !== undefined) this.relay.forwardAck(leg, edited ?? request, target);
      return;
    }
    if (received === undefined) return;
    if (request.method === 'BYE') {
      this.passBye(leg, received, target, edited);
      return;
    }
    if (target === undefined) {
      reply(received, 481);
      this.dialogGone(leg, false);
      return;
    }
    // The other side has its own request pending: the answer a UA gives on glare (RFC 3261 §14.1).
    if (this.relay.forward(received, leg, target, edited) === undefined) reply(received, 491);
  }

  sendReply(received: ReceivedRequest, status: number, reason: string, options: { readonly headers?: HeaderPairs; readonly body?: BodyPart }): void {
    const leg = this.legOf(received);
    if (options.body !== undefined && leg !== undefined) leg.outSdp = options.body;
    received.entity.reply(received, status, {
      reason, ...(options.headers === undefined ? {} : { headers: options.headers }), ...(options.body === undefined ? {} : { body: options.body }),
    });
  }

  deleteEntity(leg: Leg, received: ReceivedRequest | undefined): void {
    if (received !== undefined && !received.answered) reply(received, received.request.method === 'BYE' ? 200 : 481);
    leg.disconnected = true;
    this.unpair(leg);
    if (!leg.ended && leg.entity.state !== 'terminated') leg.entity.delete();
  }

  endDlgLeg(leg: Leg): void {
    leg.disconnected = true;
    this.unpair(leg);
    if (leg.ended || leg.entity.state === 'terminated') return;
    leg.state = 'canceling';
    leg.entity.terminate();
  }

  bridge(run: RequestRun, first: string, second: string, options: { readonly provMedia?: ClientDeclaration; readonly flags?: BridgeFlags }): void {
    const { kept, target } = bridgeSides(this.session, run, first, second, (leg) => this.livePeer(leg) ?? this.formerPeer.get(leg));
    const referCseq = run.request.method === 'REFER' ? run.request.cseq.seq : undefined;
    this.run((host) => this.deps.procedures.bridge(host, {
      kept, target, initiator: run.leg, flags: options.flags ?? {}, oldPeer: 'initiator',
      ...(options.provMedia === undefined ? {} : { provMedia: options.provMedia }),
      ...(referCseq === undefined ? {} : { referCseq }),
    }));
  }

  handleReply(leg: Leg, reply: EntityReply, sent: SentRequest, flags: HandleReplyFlags, edited: SipResponse | undefined): void {
    const owner = this.ownerOf(sent);
    if (owner !== undefined) {
      if (owner.live) owner.procedure.onReply(leg, edited === undefined ? reply : { ...reply, response: edited }, sent);
      return;
    }
    const received = this.relay.causeOf(leg, sent);
    if (received === undefined) return;
    const final = this.relay.relayReply(leg, reply, received, flags, edited);
    // §1.4: the session goes once the final reply to a relayed BYE came back (and was relayed).
    if (final && sent.method === 'BYE') this.services.finish(this.session, 'bye');
    else if (final && (reply.status === 481 || reply.status === 408)) this.dialogGone(this.legOf(received), true);
  }

  bridgeRetry(leg: Leg, _reply: EntityReply, sent: SentRequest, next: ClientDeclaration): void {
    const owner = this.ownerOf(sent);
    const procedure = this.procedure;
    if (owner === undefined || !owner.live || procedure === undefined || owner.procedure !== procedure) {
      throw new LogicUsageError('not-allowed-here', `bridgeRetry: the reply from "${leg.id}" does not answer the INVITE of a running initial call or bridge`);
    }
    if (!procedure.retry(next)) throw new LogicUsageError('not-allowed-here', `bridgeRetry: the ${procedure.kind} procedure cannot retry now`);
  }

  endedAlready(leg: Leg, verb: string, received: ReceivedRequest | undefined): void {
    this.services.logger.debug({ key: this.session.key, leg: leg.id, verb }, 'b2b verb after the session ended: nothing to do');
    if (received === undefined || received.answered) return;
    try {
      reply(received, received.request.method === 'BYE' ? 200 : 481);
    } catch (error) {
      this.services.logger.debug({ key: this.session.key, error: String(error) }, 'answering a request of an ended session failed');
    }
  }

  // ---- helpers ----

  private runRequestRoute(route: (context: LogicRequestContext) => void, leg: Leg, request: SipRequest, received: ReceivedRequest | undefined): void {
    const run = new RequestRun(this, leg, request, received);
    try {
      route(run);
    } finally {
      run.close();
    }
    if (run.decided || received === undefined || received.answered || this.session.destroyed) return;
    // DEPARTURE (OpenSIPS leaves it unanswered for ever): a request the route left undecided gets 500.
    this.services.logger.warn({ key: this.session.key, route: routeName(route, 'request'), method: request.method },
      'b2b request route neither passed nor answered the request: answered 500');
    reply(received, 500);
  }

  private passBye(leg: Leg, received: ReceivedRequest, target: Leg | undefined, edited: SipRequest | undefined): void {
    leg.disconnected = true;
    if (target !== undefined && this.relay.forward(received, leg, target, edited) !== undefined) {
      // §1.4: BYE passed → marked for deletion (now + 30 s), deleted when the peer's final reply comes back.
      this.services.markForDeletion(this.session);
      return;
    }
    // §1.4: BYE with no peer left → 200 OK and the session is deleted.
    reply(received, 200);
    this.services.endAllLegs(this.session, leg);
    this.services.finish(this.session, 'bye');
  }

  /** §2.6 B2B_BYE_CB / B2B_RE_INVITE_CB: the API user decides first. */
  private callbackDecision(leg: Leg, request: SipRequest): CallbackDecision {
    const callbacks = this.session.callbacks;
    if (callbacks === undefined) return 'follow';
    if (request.method === 'BYE' && callbacks.onBye !== undefined) return callbacks.onBye({ ...this.event(leg), request });
    if (request.method === 'INVITE' && callbacks.onReInvite !== undefined) return callbacks.onReInvite({ ...this.event(leg), request });
    return 'follow';
  }

  /** A callback's 'drop': a BYE is answered and its entity leaves (the peer stays, unpaired); a re-INVITE is answered with our last SDP. */
  private drop(leg: Leg, received: ReceivedRequest): void {
    if (received.request.method === 'BYE') {
      reply(received, 200);
      this.deleteEntity(leg, received);
      return;
    }
    const sdp = leg.outSdp;
    if (sdp === undefined) reply(received, 488);
    else received.entity.reply(received, 200, { body: sdp });
  }

  /**
   * §6.6: a 481/408 final answer to an in-dialog request (ours, or relayed to `leg`) means the dialog is dead
   * (RFC 3261 §12.2.1.2: the UA drops it): the session lives 30 s more, and a leg that has no peer left is
   * ended now (BYE; a 481 to it ends the entity) so the session goes with it instead of waiting for the sweep.
   * Not while a procedure runs (it may be about to give the leg a new peer, and it owns the lifetime, §6.8),
   * unless the 481/408 came from the peer.
   */
  private dialogGone(leg: Leg | undefined, fromPeer: boolean): void {
    const session = this.session;
    if (session.destroyed || session.state === 'cancel' || (this.procedure !== undefined && !fromPeer)) return;
    this.services.setLifetime(session, DELETE_GRACE_MS);
    if (leg === undefined || this.procedure !== undefined || this.livePeer(leg) !== undefined) return;
    if (leg.ended || leg.entity.state === 'terminated') return;
    this.services.logger.debug({ key: session.key, leg: leg.id }, 'b2b leg has no peer and its dialog is gone: ended');
    this.endDlgLeg(leg);
  }

  private livePeer(leg: Leg): Leg | undefined {
    const peer = leg.peer;
    return peer === undefined || peer.ended ? undefined : peer;
  }

  private unpair(leg: Leg): void {
    const peer = leg.peer;
    if (peer === undefined) return;
    this.formerPeer.set(leg, peer);
    if (peer.peer === leg) {
      peer.peer = undefined;
      this.formerPeer.set(peer, leg);
    }
    leg.peer = undefined;
  }

  private legOf(received: ReceivedRequest): Leg | undefined {
    for (const leg of this.session.servers) if (leg.entity === received.entity) return leg;
    for (const leg of this.session.clients) if (leg.entity === received.entity) return leg;
    return undefined;
  }
}

function reply(received: ReceivedRequest, status: number): void {
  if (!received.answered) received.entity.reply(received, status);
}

function routeName(route: { readonly name: string }, kind: string): string {
  return route.name.length > 0 ? route.name : `${kind} route`;
}
