/**
 * The initial call of a script-driven session (opensips-b2b.md §2.1 b2b_init_request and
 * b2b_bridge_retry in INIT state, §2.6 B2B_REJECT_CB / B2B_CONFIRMED_CB, §6.8 lifetimes): the client
 * INVITE with the caller's SDP, 1xx and the answer relayed to the caller, failures relayed (or the
 * caller left waiting), the caller's CANCEL passed on.
 */
import type { SipRequest } from '../../../sip/message';
import type { NameAddr } from '../../../sip/types';
import type { EntityEndReason, EntityReply, SentRequest, ServerEntity } from '../../entities/entity-types';
import { AUTH_CHALLENGE_HEADERS, AUTH_REQUEST_HEADERS, bodyOf, nextMaxForwards, type HeaderPairs } from '../leg-headers';
import { maxDurationMs } from '../logic-services';
import type { ClientStartOptions } from '../scripted-host';
import type { ClientDeclaration, MediaProcedure, ProcedureHost } from '../scripted-types';
import type { Leg } from '../session';

const NO_PARAMS: ReadonlyMap<string, string | null> = new Map();

/** The host as the initial call needs it: startClient also takes the retry's To and Max-Forwards. */
export interface InitialCallHost extends ProcedureHost {
  startClient(procedure: MediaProcedure, declaration: ClientDeclaration, options: ClientStartOptions): Leg;
}

export interface InitialCallStart {
  /** The caller's leg, made from `request`. */
  readonly server: Leg;
  readonly client: ClientDeclaration;
  /** The INVITE as the main route left it (edits applied): what the client INVITE is built from. */
  readonly request: SipRequest;
  /** The caller's From, or `b2bl_from_spec_param`'s value. */
  readonly from: NameAddr;
  /** §2.6 B2B_CONFIRMED_CB, with the client that answered. */
  readonly onConfirmed?: (client: Leg) => void;
}

export function initialCall(host: InitialCallHost, start: InitialCallStart): MediaProcedure {
  const procedure = new InitialCall(host, start);
  procedure.begin();
  return procedure;
}

class InitialCall implements MediaProcedure {
  readonly kind = 'initial' as const;
  private client: Leg | undefined;
  private readonly invites = new Set<SentRequest>();
  private done = false;
  /** True while a client is being created: its synchronous replies (a transport failure) are the new client's. */
  private creating = false;
  private readonly caller: ServerEntity;

  constructor(private readonly host: InitialCallHost, private readonly start: InitialCallStart) {
    this.caller = start.server.entity as ServerEntity;
  }

  begin(): void {
    this.call(this.start.client, undefined);
  }

  owns(sent: SentRequest): boolean {
    return this.invites.has(sent);
  }

  onReply(leg: Leg, reply: EntityReply, _sent: SentRequest): void {
    if (this.creating) this.client = leg;
    // A replaced client's late replies (bridgeRetry) are not ours to act on.
    if (this.done || leg !== this.client) return;
    if (reply.status < 200) this.onProvisional(leg, reply);
    else if (reply.status < 300) this.on2xx(leg, reply);
    else this.onFailure(leg, reply);
  }

  onRequest(): boolean {
    return false;
  }

  onAck(): boolean {
    return false;
  }

  onCancel(leg: Leg): boolean {
    if (leg !== this.start.server) return false;
    const session = this.host.session;
    session.cancelled = true;
    const client = this.client;
    if (client !== undefined && !client.ended && client.finalStatus === undefined) {
      // §6.1: CANCEL to the callee; its 487 is relayed when it comes (onFailure).
      client.state = 'canceling';
      client.entity.terminate();
      return true;
    }
    this.done = true;
    this.answerCaller(487);
    this.host.failed(this, { status: 487, reason: 'Request Terminated', endSession: true });
    return true;
  }

  onLegEnded(leg: Leg, _reason: EntityEndReason): void {
    if (this.creating && leg !== this.start.server) this.client = leg;
    if (this.done) return;
    if (leg === this.start.server) {
      // The caller is gone before the answer (transport failure on a 1xx …): nobody to connect.
      this.done = true;
      this.host.failed(this, { status: 500, reason: 'Caller Gone', endSession: true });
      return;
    }
    if (leg === this.client && leg.finalStatus === undefined) this.onFailure(leg, { status: 500, reason: 'Server Internal Error', response: undefined });
  }

  retry(next: ClientDeclaration): boolean {
    const old = this.client;
    if (this.done || this.host.session.cancelled || this.caller.invite.answered || this.start.server.ended) return false;
    if (old !== undefined) {
      old.disconnected = true;
      if (old.peer === this.start.server) old.peer = undefined;
    }
    // §2.1: in INIT state the retry carries the caller's original SDP and the To/From of the original call.
    const to = this.start.request.to;
    this.call(next, to.displayName === undefined ? { uri: to.uri, params: NO_PARAMS } : { displayName: to.displayName, uri: to.uri, params: NO_PARAMS });
    return true;
  }

  // ---- steps ----

  private call(declaration: ClientDeclaration, to: NameAddr | undefined): void {
    const { server, request, from } = this.start;
    const services = this.host.services;
    const session = this.host.session;
    const headers: HeaderPairs = services.headers.pick(request, session.flags.transparentAuth === true ? AUTH_REQUEST_HEADERS : undefined);
    if (services.config.initCallidHdr !== undefined) headers.push([services.config.initCallidHdr, request.callId]);
    const body = bodyOf(request);
    if (body !== undefined) server.inSdp = body;
    this.creating = true;
    let client: Leg;
    try {
      client = this.host.startClient(this, declaration, {
        from, headers, maxForwards: nextMaxForwards(request),
        ...(body === undefined ? {} : { body }), ...(to === undefined ? {} : { to }),
      });
    } finally {
      this.creating = false;
    }
    const invite = (client.entity as { readonly invite?: SentRequest }).invite;
    if (invite !== undefined) this.invites.add(invite);
    if (this.done) return;
    this.client = client;
    if (!client.ended) {
      server.peer = client;
      client.peer = server;
    }
    session.bridgeEntities.length = 0;
    session.bridgeEntities.push(server, client);
  }

  private onProvisional(leg: Leg, reply: EntityReply): void {
    const response = reply.response;
    if (this.host.session.cancelled || this.caller.invite.answered || response === undefined) return;
    const body = bodyOf(response);
    if (body !== undefined) {
      leg.inSdp = body;
      this.start.server.outSdp = body;
    }
    this.caller.reply(this.caller.invite, reply.status, { reason: reply.reason, headers: this.host.services.headers.pick(response), ...(body === undefined ? {} : { body }) });
  }

  private on2xx(leg: Leg, reply: EntityReply): void {
    const services = this.host.services;
    const server = this.start.server;
    leg.finalStatus = reply.status;
    leg.stats.setupMs = services.clock.nowMs();
    this.done = true;
    if (this.host.session.cancelled || server.ended || this.caller.invite.answered || reply.response === undefined) {
      // An answer nobody can use (the caller CANCELled or is gone): ACK + BYE it, the caller gets its 487.
      leg.disconnected = true;
      leg.entity.terminate();
      this.answerCaller(487);
      this.host.failed(this, { status: 487, reason: 'Request Terminated', endSession: true });
      return;
    }
    server.stats.setupMs = leg.stats.setupMs;
    const body = bodyOf(reply.response);
    if (body !== undefined) {
      leg.inSdp = body;
      server.outSdp = body;
    }
    // §6.8: once answered, the session lives max_duration.
    this.host.completed(this, server, leg, maxDurationMs(services.config));
    this.caller.reply(this.caller.invite, reply.status, {
      reason: reply.reason, headers: services.headers.pick(reply.response), ...(body === undefined ? {} : { body }),
    });
    this.start.onConfirmed?.(leg);
  }

  private onFailure(leg: Leg, reply: EntityReply): void {
    leg.finalStatus = reply.status;
    const session = this.host.session;
    const server = this.start.server;
    if (!session.cancelled && !server.ended && !this.caller.invite.answered && this.host.rejectDecision(leg, reply) === 'drop') {
      // §2.6 drop: the failed leg goes, the caller waits (unanswered) for the API user's next bridge.
      this.done = true;
      leg.disconnected = true;
      if (server.peer === leg) server.peer = undefined;
      leg.peer = undefined;
      session.bridgeEntities.length = 0;
      this.host.failed(this, { status: reply.status, reason: reply.reason, endSession: false });
      return;
    }
    this.done = true;
    this.relayFailure(reply);
    this.host.failed(this, { status: reply.status, reason: reply.reason, endSession: true });
  }

  private relayFailure(reply: EntityReply): void {
    if (this.start.server.ended || this.caller.invite.answered) return;
    const session = this.host.session;
    const response = reply.response;
    // A CANCELled call whose callee never answered gets the 487 the caller expects, not our synthesised 408/503.
    const status = session.cancelled && response === undefined ? 487 : reply.status;
    const challenge = session.flags.transparentAuth === true && (status === 401 || status === 407) ? AUTH_CHALLENGE_HEADERS : undefined;
    const headers = response === undefined ? [] : this.host.services.headers.pick(response, challenge);
    const body = response === undefined ? undefined : bodyOf(response);
    this.caller.reply(this.caller.invite, status, {
      ...(status === reply.status ? { reason: reply.reason } : {}), headers, ...(body === undefined ? {} : { body }),
    });
  }

  private answerCaller(status: number): void {
    if (!this.start.server.ended && !this.caller.invite.answered) this.caller.reply(this.caller.invite, status);
  }
}
