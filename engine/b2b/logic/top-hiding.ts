/**
 * The built-in "top hiding" scenario (opensips-b2b.md §2.7, §6.1): one server entity from the INVITE,
 * one client INVITE per target (parallel forking, first 2xx wins), then every request and reply relayed
 * to the other side with only our own dialog fields, ACK end to end, BYE completing the session.
 */
import { isSipUri } from '../../sip';
import type { SipRequest } from '../../sip/message';
import type { NameAddr, Uri } from '../../sip/types';
import type { ServerTransaction } from '../../transaction/transaction-types';
import type { ClientSpec, EntityReply, ReceivedRequest, SentRequest, ServerEntity } from '../entities/entity-types';
import {
  AUTH_CHALLENGE_HEADERS, AUTH_REQUEST_HEADERS, REFER_HEADERS, bodyOf, nextMaxForwards, type HeaderPairs,
} from './leg-headers';
import { maxDurationMs, type LogicServices } from './logic-services';
import type { CallTarget, InitRequestSpec, InitResult } from './logic-types';
import { DELETE_GRACE_MS, type Leg, type Session, type SessionHandler } from './session';

/** §1.6: the Reason on CANCELs sent to the forks that lost. */
export const COMPLETED_ELSEWHERE = 'SIP;cause=200;text="Call completed elsewhere"';

const NO_PARAMS: ReadonlyMap<string, string | null> = new Map();
const NO_URI_HEADERS: ReadonlyMap<string, string> = new Map();

/** §1.7: the To of a top-hiding INVITE is the R-URI reduced to `sip:user@host[:port]`. */
export function reducedUri(uri: Uri): Uri {
  if (!isSipUri(uri)) return uri;
  const reduced = { scheme: uri.scheme, host: uri.host, isIpv6: uri.isIpv6, params: NO_PARAMS, headers: NO_URI_HEADERS };
  return {
    ...reduced,
    ...(uri.user === undefined ? {} : { user: uri.user }),
    ...(uri.port === undefined ? {} : { port: uri.port }),
  };
}

export function startTopHiding(
  services: LogicServices, session: Session, tx: ServerTransaction, spec: InitRequestSpec, fromOverride: NameAddr | undefined,
): InitResult {
  const server = services.createServer(session, tx, 'caller');
  const handler = new TopHiding(services, session, server);
  session.handler = handler;
  return handler.callTargets(spec, fromOverride);
}

class TopHiding implements SessionHandler {
  private winner: Leg | undefined;
  private lastFailure: EntityReply | undefined;
  private starting = false;
  /** The received request being relayed right now, for replies fired before `sendRequest` returns. */
  private relaying: ReceivedRequest | undefined;

  private readonly serverEntity: ServerEntity;

  constructor(private readonly services: LogicServices, private readonly session: Session, private readonly server: Leg) {
    this.serverEntity = server.entity as ServerEntity;
  }

  callTargets(spec: InitRequestSpec, fromOverride: NameAddr | undefined): InitResult {
    const request = spec.request;
    const base = this.clientBase(request, spec, fromOverride);
    this.starting = true;
    try {
      spec.targets.forEach((target, i) => this.callTarget(base, request, spec, target, i));
    } finally {
      this.starting = false;
    }
    const first = this.session.clients[0];
    if (first !== undefined && this.server.peer === undefined && !first.ended && first.finalStatus === undefined) {
      this.server.peer = first;
      first.peer = this.server;
    }
    if (first !== undefined) this.session.bridgeEntities.push(this.server, first);
    if (this.session.clients.length === 0) {
      this.services.logger.warn({ key: this.session.key }, 'top hiding: no client INVITE could be sent');
    }
    this.concludeIfNoneLeft();
    if (this.winner === undefined && this.answered()) {
      const status = this.lastFailure?.status ?? 500;
      return { ok: false, status, reason: this.lastFailure?.reason ?? 'Server Internal Error' };
    }
    return { ok: true, key: this.session.key };
  }

  private clientBase(request: SipRequest, spec: InitRequestSpec, fromOverride: NameAddr | undefined): Omit<ClientSpec, 'requestUri' | 'to'> {
    const config = this.services.config;
    const headers: HeaderPairs = this.services.headers.pick(request, spec.flags.transparentAuth === true ? AUTH_REQUEST_HEADERS : undefined);
    if (config.initCallidHdr !== undefined) headers.push([config.initCallidHdr, request.callId]);
    const source = fromOverride ?? request.from;
    const from: NameAddr = source.displayName === undefined ? { uri: source.uri, params: NO_PARAMS } : { displayName: source.displayName, uri: source.uri, params: NO_PARAMS };
    const body = bodyOf(request);
    return {
      from,
      cseq: request.cseq.seq,
      maxForwards: nextMaxForwards(request),
      contact: this.session.contact,
      headers,
      ...(body === undefined ? {} : { body }),
    };
  }

  private callTarget(base: Omit<ClientSpec, 'requestUri' | 'to'>, request: SipRequest, spec: InitRequestSpec, target: CallTarget, i: number): void {
    const original = request.to;
    const to: NameAddr = spec.flags.preserveTo === true
      ? (original.displayName === undefined ? { uri: original.uri, params: NO_PARAMS } : { displayName: original.displayName, uri: original.uri, params: NO_PARAMS })
      : { uri: reducedUri(target.uri), params: NO_PARAMS };
    const clientSpec: ClientSpec = { ...base, requestUri: target.uri, to, ...(target.destination === undefined ? {} : { destination: target.destination }) };
    try {
      const leg = this.services.createClient(this.session, clientSpec, i === 0 ? 'callee' : `callee${i}`);
      if (leg.outSdp === undefined) leg.outSdp = base.body;
    } catch (error) {
      this.services.logger.warn({ key: this.session.key, target: i, error: String(error) }, 'top hiding: client INVITE not sent');
      this.lastFailure ??= { status: 500, reason: 'Server Internal Error', response: undefined };
    }
  }

  // ---- requests ----

  onRequest(leg: Leg, request: ReceivedRequest): void {
    const method = request.request.method;
    const target = this.targetFor(leg);
    if (method === 'BYE') {
      this.onBye(leg, request, target);
      return;
    }
    if (target === undefined) {
      this.reply(request, 481);
      return;
    }
    const sent = this.relay(request, target, method === 'REFER' ? REFER_HEADERS : undefined);
    // The other side has its own request pending: the same answer a UA gives on glare (RFC 3261 §14.1).
    if (sent === undefined) this.reply(request, 491);
  }

  private onBye(leg: Leg, request: ReceivedRequest, target: Leg | undefined): void {
    leg.disconnected = true;
    const sent = target === undefined ? undefined : this.relay(request, target, undefined);
    if (sent !== undefined) {
      // §1.4: BYE passed → marked for deletion (now + 30 s), deleted when the BYE's final reply comes back.
      this.services.markForDeletion(this.session);
      return;
    }
    this.reply(request, 200);
    this.services.endAllLegs(this.session, leg);
    this.services.finish(this.session, 'bye');
  }

  onAck(leg: Leg, ack: SipRequest): void {
    const target = leg.peer;
    if (target === undefined || target.ended) return;
    // §2.7: ACK is end to end: the other side's 2xx is ACKed now, with the body this ACK carries.
    const body = bodyOf(ack);
    if (body !== undefined) {
      leg.inSdp = body;
      target.outSdp = body;
    }
    target.entity.sendAck(body === undefined ? undefined : { body });
  }

  onCancel(leg: Leg): void {
    if (leg !== this.server) return;
    const pending = this.pendingClients();
    if (pending.length === 0) {
      this.services.markForDeletion(this.session);
      this.replyInvite(487);
      return;
    }
    // §6.1: CANCEL to the callee(s); their 487 is relayed (concludeIfNoneLeft).
    for (const client of pending) {
      client.state = 'canceling';
      client.entity.terminate();
    }
  }

  // ---- replies ----

  onReply(leg: Leg, reply: EntityReply, sent: SentRequest): void {
    const cause = sent.cause ?? (this.relaying !== undefined && sent.entity === leg.entity ? this.relaying : undefined);
    if (isReceivedRequest(cause)) this.relayReply(leg, reply, sent, cause);
    else if (leg.entity.kind === 'client' && sent.method === 'INVITE' && leg.state !== 'confirmed') this.onInviteReply(leg, reply);
  }

  private onInviteReply(leg: Leg, reply: EntityReply): void {
    const status = reply.status;
    if (status < 200) {
      if (leg.finalStatus !== undefined || this.winner !== undefined || this.session.cancelled || this.answered() || reply.response === undefined) return;
      const body = bodyOf(reply.response);
      if (body !== undefined) leg.inSdp = body;
      this.serverEntity.reply(this.serverEntity.invite, status, { reason: reply.reason, headers: this.services.headers.pick(reply.response), ...(body === undefined ? {} : { body }) });
      return;
    }
    leg.finalStatus = status;
    if (status < 300) this.on2xx(leg, reply);
    else {
      this.lastFailure = reply;
      this.concludeIfNoneLeft();
    }
  }

  private on2xx(leg: Leg, reply: EntityReply): void {
    leg.stats.setupMs = this.services.clock.nowMs();
    const server = this.server;
    if (this.winner !== undefined || this.session.cancelled || this.session.state === 'cancel' || server.ended || this.answered() || reply.response === undefined) {
      // A 2xx we cannot use (another fork won, the caller is gone): ACK and BYE it (§13.2.2.4 via the entity).
      leg.disconnected = true;
      leg.entity.terminate();
      if (this.session.cancelled) this.replyInvite(487);
      return;
    }
    this.winner = leg;
    leg.state = 'confirmed';
    server.state = 'confirmed';
    server.stats.setupMs = leg.stats.setupMs;
    this.services.bridge(this.session, server, leg);
    // §6.8: on the first 2xx the lifetime becomes now + max_duration.
    this.services.setLifetime(this.session, maxDurationMs(this.services.config));
    for (const other of this.pendingClients()) {
      other.disconnected = true;
      other.state = 'canceling';
      other.entity.terminate({ reasonHeader: COMPLETED_ELSEWHERE });
    }
    const body = bodyOf(reply.response);
    if (body !== undefined) {
      leg.inSdp = body;
      server.outSdp = body;
    }
    this.serverEntity.reply(this.serverEntity.invite, reply.status, { reason: reply.reason, headers: this.services.headers.pick(reply.response), ...(body === undefined ? {} : { body }) });
  }

  /** When no fork is left being called and none won, the caller gets the last failure (§2.7). */
  private concludeIfNoneLeft(): void {
    if (this.starting || this.winner !== undefined || this.pendingClients().length > 0) return;
    // Marked first: the server entity may end (and call back) from inside the reply below.
    this.services.markForDeletion(this.session);
    if (!this.server.ended && !this.answered()) {
      const failure = this.lastFailure;
      let status = failure?.status ?? (this.session.cancelled ? 487 : 500);
      // A CANCELled call whose callee never answered gets the 487 the caller expects, not our synthesised 408/503.
      if (this.session.cancelled && failure?.response === undefined) status = 487;
      const response = failure?.response;
      const challenge = this.session.flags.transparentAuth === true && (status === 401 || status === 407) ? AUTH_CHALLENGE_HEADERS : undefined;
      const headers = response === undefined ? [] : this.services.headers.pick(response, challenge);
      const body = response === undefined ? undefined : bodyOf(response);
      this.serverEntity.reply(this.serverEntity.invite, status, {
        ...(failure === undefined || status !== failure.status ? {} : { reason: failure.reason }),
        headers, ...(body === undefined ? {} : { body }),
      });
    }
  }

  private relayReply(leg: Leg, reply: EntityReply, sent: SentRequest, request: ReceivedRequest): void {
    const status = reply.status;
    const response = reply.response;
    if (status < 200) {
      if (request.request.method === 'INVITE' && response !== undefined && !request.answered) {
        request.entity.reply(request, status, { reason: reply.reason, headers: this.services.headers.pick(response) });
      }
      return;
    }
    this.session.pending.delete(request);
    const body = response === undefined ? undefined : bodyOf(response);
    if (body !== undefined) {
      leg.inSdp = body;
      const from = this.legOfRequest(request);
      if (from !== undefined) from.outSdp = body;
    }
    const challenge = this.session.flags.transparentAuth === true && (status === 401 || status === 407) ? AUTH_CHALLENGE_HEADERS : undefined;
    if (!request.answered) {
      request.entity.reply(request, status, {
        reason: reply.reason, headers: response === undefined ? [] : this.services.headers.pick(response, challenge),
        ...(body === undefined ? {} : { body }),
      });
    }
    if (sent.method === 'BYE') {
      this.services.finish(this.session, 'bye');
      return;
    }
    // §6.6: a 481 or 408 to a re-INVITE means the dialog is dead: the session lives 30 s more.
    if (sent.method === 'INVITE' && (status === 481 || status === 408)) this.services.setLifetime(this.session, DELETE_GRACE_MS);
  }

  // ---- legs ending ----

  onLegEnded(leg: Leg): void {
    if (this.session.state === 'cancel') return;
    if (leg === this.server || leg === this.winner || leg.state === 'confirmed') {
      // One side is gone outside a BYE we relayed (ACK timeout, transport error): end the other.
      this.services.endAllLegs(this.session, leg);
      return;
    }
    if (leg.finalStatus === undefined) {
      leg.finalStatus = 500;
      this.lastFailure ??= { status: 500, reason: 'Server Internal Error', response: undefined };
    }
    this.concludeIfNoneLeft();
  }

  // ---- helpers ----

  private relay(request: ReceivedRequest, target: Leg, extra: ReadonlySet<string> | undefined): SentRequest | undefined {
    // §1.7: the relayed request carries the received Max-Forwards − 1 (a received 0 was answered 483 before here).
    const headers = request.request.method === 'ACK' || request.request.method === 'CANCEL'
      ? this.services.headers.pick(request.request, extra)
      : [...this.services.headers.pick(request.request, extra), ['Max-Forwards', String(nextMaxForwards(request.request))] as const];
    const body = bodyOf(request.request);
    this.relaying = request;
    let sent: SentRequest | undefined;
    try {
      sent = target.entity.sendRequest(request.request.method, body === undefined ? { headers } : { headers, body });
    } finally {
      this.relaying = undefined;
    }
    if (sent === undefined) return undefined;
    if (sent.cause === undefined) sent.cause = request;
    if (!request.answered) this.session.pending.add(request);
    if (body !== undefined) {
      target.outSdp = body;
      const from = this.legOfRequest(request);
      if (from !== undefined) from.inSdp = body;
    }
    return sent;
  }

  /** Where a request from `leg` goes: its peer, or before an answer the first fork still being called. */
  private targetFor(leg: Leg): Leg | undefined {
    const peer = leg.peer;
    if (peer !== undefined && !peer.ended) return peer;
    if (leg !== this.server) return this.server.ended ? undefined : this.server;
    for (const client of this.pendingClients()) if (client.entity.remoteTag !== undefined) return client;
    return undefined;
  }

  private pendingClients(): Leg[] {
    const out: Leg[] = [];
    for (const client of this.session.clients) if (!client.ended && client.finalStatus === undefined) out.push(client);
    return out;
  }

  private legOfRequest(request: ReceivedRequest): Leg | undefined {
    if (request.entity === this.server.entity) return this.server;
    for (const client of this.session.clients) if (client.entity === request.entity) return client;
    return undefined;
  }

  private answered(): boolean {
    return this.serverEntity.invite.answered;
  }

  private replyInvite(status: number): void {
    if (!this.server.ended && !this.answered()) this.serverEntity.reply(this.serverEntity.invite, status);
  }

  private reply(request: ReceivedRequest, status: number): void {
    if (!request.answered) request.entity.reply(request, status);
  }
}

function isReceivedRequest(value: unknown): value is ReceivedRequest {
  return typeof value === 'object' && value !== null && 'request' in value && 'entity' in value && 'answered' in value;
}

