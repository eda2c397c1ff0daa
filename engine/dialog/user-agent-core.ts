/**
 * A minimal UA core over the transaction layer (RFC 3261 §8, §12–15): new requests go to a delegate,
 * in-dialog ones to their dialog (481 when unknown, §12.2.2), 2xx are ACKed, CANCEL ends pending
 * INVITEs, OPTIONS is answered 200 (§11.2), unsupported Require gets 420 (§8.2.2.3).
 */
import { parseNameAddr } from '../sip';
import { silentLogger, type Logger } from '../ports/logger';
import type { Random } from '../ports/random';
import type { SipRequest, SipResponse } from '../sip/message';
import type { NameAddr, Uri } from '../sip/types';
import type { TimerService } from '../timers/timer-service';
import type { Destination } from '../transport/transport-layer';
import type { Dialog } from './dialog';
import { dialogIdOfIncomingRequest, dialogIdOfResponse, dialogKey } from './dialog-id';
import { IncomingInvite, createUasSession } from './incoming-invite';
import { InviteSession } from './invite-session';
import { literalNextHop, type NextHopResolver } from './next-hop';
import { OutgoingInvite, type OutgoingInviteHandler } from './outgoing-invite';
import { SUPPORTED_EXTENSIONS, createOutOfDialogRequest, type BodyPart } from './request-factory';
import { buildResponse } from './responses';
import type { Reply, SessionServices } from './session-types';
import type { UaServerTransaction, UaTransactionUser, UaTransactions } from './ua-transactions';

export interface UserAgentConfig {
  readonly t1Ms: number;
  readonly t2Ms: number;
}

export const defaultUserAgentConfig: UserAgentConfig = { t1Ms: 500, t2Ms: 4000 };

export interface UserAgentDelegate {
  /** A dialog-creating INVITE: answer with progress()/accept()/reject(). Without a delegate: 480. */
  onInvite?(invite: IncomingInvite): void;
  /** Any other request outside a dialog except OPTIONS; reply once. Without a delegate: 405. */
  onRequest?(request: SipRequest, reply: Reply): void;
}

export interface UserAgentCoreOptions {
  readonly timers: TimerService;
  readonly random: Random;
  readonly logger?: Logger;
  readonly config?: Partial<UserAgentConfig>;
  /** Our Contact value, e.g. `<sip:ua@127.0.0.1:5070;transport=tcp>`. */
  readonly contact: string;
  /** Our From identity for new requests; defaults to the Contact URI. */
  readonly localIdentity?: NameAddr;
  readonly delegate?: UserAgentDelegate;
  readonly resolve?: NextHopResolver;
}

export interface InviteSpec {
  readonly to: NameAddr;
  /** Request-URI; defaults to the To URI. */
  readonly uri?: Uri;
  /** Where to send; defaults to resolving the Request-URI. */
  readonly destination?: Destination;
  readonly body?: BodyPart;
  readonly headers?: ReadonlyArray<readonly [string, string]>;
}

export class UserAgentCoreError extends Error {
  constructor(readonly code: 'not-bound' | 'bad-config' | 'bad-contact' | 'no-route', message: string) {
    super(message);
    this.name = 'UserAgentCoreError';
  }
}

export class UserAgentCore implements UaTransactionUser {
  private transactionsValue: UaTransactions | undefined;
  private readonly sessions = new Map<string, InviteSession>();
  private readonly incoming = new Map<UaServerTransaction, IncomingInvite>();
  private readonly outgoing = new Set<OutgoingInvite>();
  private readonly services: SessionServices;
  private readonly identity: NameAddr;
  delegate: UserAgentDelegate;

  constructor(private readonly options: UserAgentCoreOptions) {
    const config = { ...defaultUserAgentConfig, ...options.config };
    if (!(config.t1Ms > 0) || !(config.t2Ms >= config.t1Ms)) throw new UserAgentCoreError('bad-config', `need 0 < t1Ms <= t2Ms, got ${config.t1Ms}/${config.t2Ms}`);
    const identity = options.localIdentity ?? parseNameAddr(options.contact);
    if (identity === undefined) throw new UserAgentCoreError('bad-contact', `cannot parse contact ${options.contact}`);
    this.identity = { ...identity, params: new Map() };
    this.delegate = options.delegate ?? {};
    const core = this;
    this.services = {
      timers: options.timers,
      random: options.random,
      t1Ms: config.t1Ms,
      t2Ms: config.t2Ms,
      resolve: options.resolve ?? literalNextHop,
      logger: options.logger ?? silentLogger,
      get transactions(): UaTransactions {
        return core.transactions;
      },
      sessionEnded: (session) => this.sessions.delete(session.dialog.key),
    };
  }

  get t1Ms(): number {
    return this.services.t1Ms;
  }

  get t2Ms(): number {
    return this.services.t2Ms;
  }

  /** Connects the transaction layer (built after the core, since the core is its user). */
  bind(transactions: UaTransactions): void {
    this.transactionsValue = transactions;
  }

  get transactions(): UaTransactions {
    if (this.transactionsValue === undefined) throw new UserAgentCoreError('not-bound', 'UserAgentCore.bind() was not called');
    return this.transactionsValue;
  }

  /** Live dialogs (early or confirmed), pending INVITEs each way: tests assert all return to zero. */
  get counts(): { readonly sessions: number; readonly incomingInvites: number; readonly outgoingInvites: number } {
    return { sessions: this.sessions.size, incomingInvites: this.incoming.size, outgoingInvites: this.outgoing.size };
  }

  findSession(dialog: Dialog | string): InviteSession | undefined {
    return this.sessions.get(typeof dialog === 'string' ? dialog : dialog.key);
  }

  /** Starts a call (§13.2.1). */
  invite(spec: InviteSpec, handler: OutgoingInviteHandler = {}): OutgoingInvite {
    const uri = spec.uri ?? spec.to.uri;
    const destination = spec.destination ?? this.services.resolve(uri);
    if (destination === undefined) throw new UserAgentCoreError('no-route', 'no destination for the INVITE Request-URI');
    const request = createOutOfDialogRequest({
      method: 'INVITE', uri, from: this.identity, to: spec.to, contact: this.options.contact, headers: spec.headers, body: spec.body,
    }, this.services.random);
    const invite = new OutgoingInvite(request, destination, this.services, this.options.contact,
      (dialog) => this.addSession(dialog, true), handler, (done) => this.outgoing.delete(done));
    this.outgoing.add(invite);
    invite.start();
    return invite;
  }

  onRequest(serverTx: UaServerTransaction, request: SipRequest): void {
    if (request.method === 'ACK') {
      this.onStrayAck(request);
      return;
    }
    const unsupported = request.require.filter((tag) => !SUPPORTED_EXTENSIONS.includes(tag.toLowerCase()));
    if (unsupported.length > 0 && request.method !== 'CANCEL') {
      // §8.2.2.3: a Require we do not understand MUST get 420 listing it in Unsupported.
      serverTx.respond(buildResponse(request, 420, { headers: [['Unsupported', unsupported.join(', ')]] }));
      return;
    }
    const id = dialogIdOfIncomingRequest(request);
    if (id !== undefined) {
      const session = this.sessions.get(dialogKey(id));
      // §12.2.2: a request naming a dialog we do not have MUST get 481.
      if (session === undefined) serverTx.respond(buildResponse(request, 481));
      else session.onRequest(serverTx, request);
      return;
    }
    this.onOutOfDialogRequest(serverTx, request);
  }

  onStrayAck(ack: SipRequest): void {
    const id = dialogIdOfIncomingRequest(ack);
    if (id !== undefined) this.sessions.get(dialogKey(id))?.onAck(ack);
  }

  onStrayResponse(response: SipResponse): void {
    if (response.cseq.method !== 'INVITE' || response.status < 200 || response.status >= 300) return;
    const id = dialogIdOfResponse(response);
    if (id !== undefined) this.sessions.get(dialogKey(id))?.onRetransmitted2xx(response);
  }

  onCancel(inviteTx: UaServerTransaction): void {
    this.incoming.get(inviteTx)?.onCancel();
  }

  private onOutOfDialogRequest(serverTx: UaServerTransaction, request: SipRequest): void {
    switch (request.method) {
      case 'INVITE':
        this.onNewInvite(serverTx, request);
        return;
      case 'OPTIONS':
        serverTx.respond(buildResponse(request, 200, { toTag: this.services.random.token(10) }));
        return;
      case 'BYE':
      case 'PRACK':
      case 'CANCEL':
        serverTx.respond(buildResponse(request, 481));
        return;
      default: {
        const handler = this.delegate.onRequest;
        let answered = false;
        const reply: Reply = (status, opts = {}) => {
          if (answered) return;
          answered = status >= 200;
          serverTx.respond(buildResponse(request, status, { ...opts, toTag: status > 100 ? this.services.random.token(10) : undefined }));
        };
        if (handler === undefined) reply(405);
        else handler.call(this.delegate, request, reply);
      }
    }
  }

  private onNewInvite(serverTx: UaServerTransaction, request: SipRequest): void {
    const contact = request.contact;
    if (contact === undefined || contact.star || contact.contacts.length !== 1) {
      // §8.1.1.8: a dialog-creating INVITE MUST carry exactly one Contact URI.
      serverTx.respond(buildResponse(request, 400, { reason: 'Bad Contact' }));
      return;
    }
    const invite = new IncomingInvite(serverTx, request, this.services, this.options.contact,
      (inv, status) => createUasSession(inv, status, this.options.contact, (dialog) => this.addSession(dialog, false)));
    this.incoming.set(serverTx, invite);
    invite.onAnswered = () => this.incoming.delete(serverTx);
    const handler = this.delegate.onInvite;
    if (handler === undefined) invite.reject(480);
    else handler.call(this.delegate, invite);
  }

  private addSession(dialog: Dialog, ownsCallId: boolean): InviteSession {
    const session = new InviteSession(dialog, this.services, ownsCallId);
    this.sessions.set(dialog.key, session);
    return session;
  }
}
