/**
 * The transaction layer (RFC 3261 §17, RFC 6026, §9.2): creates the four kinds of transaction, matches
 * incoming messages to them (§17.1.3, §17.2.3), absorbs retransmissions, answers CANCEL, and passes
 * new requests, stray ACKs and stray responses up to the TU.
 */
import { silentLogger, type Logger } from '../ports/logger';
import type { Random } from '../ports/random';
import { createResponse } from '../sip';
import type { SipRequest, SipResponse } from '../sip/message';
import type { Via } from '../sip/types';
import type { TimerService } from '../timers/timer-service';
import type { Destination, ReceiveContext, SendOutcome, TransportLayer, TransportUser } from '../transport/transport-layer';
import { newBranch, withBranch } from './branch';
import { answerCancel } from './cancel-handling';
import { DestinationIndex } from './destination-index';
import { InviteClientTransaction } from './invite-client-transaction';
import { InviteServerTransaction } from './invite-server-transaction';
import { NonInviteClientTransaction } from './non-invite-client-transaction';
import { NonInviteServerTransaction } from './non-invite-server-transaction';
import { resolveTransactionConfig, type TransactionConfig } from './transaction-config';
import type { TrackedTransaction, TransactionEnv } from './transaction-env';
import {
  clientTransactionKey, rfc2543AckKeyWithoutToTag, serverMatchMethod, serverPrimaryKey, serverTransactionKey,
} from './transaction-key';
import { TransactionTable } from './transaction-table';
import {
  TransactionError, type ClientTransaction, type ClientTransactionUser, type TransactionState, type TransactionTransition,
  type TransactionUser,
} from './transaction-types';

export interface TransactionLayerOptions {
  readonly transport: TransportLayer;
  readonly timers: TimerService;
  readonly random: Random;
  readonly logger?: Logger;
  readonly config?: Partial<TransactionConfig>;
  readonly user: TransactionUser;
  /** Called on every state change (traces, tests, metrics). */
  readonly onTransition?: (transition: TransactionTransition) => void;
}

type ClientTx = InviteClientTransaction | NonInviteClientTransaction;
type ServerTx = InviteServerTransaction | NonInviteServerTransaction;

export class TransactionLayer implements TransportUser {
  readonly config: TransactionConfig;
  private readonly transport: TransportLayer;
  private readonly random: Random;
  private readonly logger: Logger;
  private readonly user: TransactionUser;
  private readonly env: TransactionEnv;
  private readonly clients = new TransactionTable<ClientTx>();
  private readonly servers = new TransactionTable<ServerTx>();
  private readonly destinations = new DestinationIndex();

  constructor(options: TransactionLayerOptions) {
    this.config = resolveTransactionConfig(options.config);
    this.transport = options.transport;
    this.random = options.random;
    this.logger = options.logger ?? silentLogger;
    this.user = options.user;
    const onTransition = options.onTransition;
    this.env = {
      transport: options.transport,
      timers: options.timers,
      config: this.config,
      logger: this.logger,
      user: options.user,
      transitioned: onTransition === undefined
        ? () => undefined
        : (tx: TrackedTransaction, from: TransactionState, to: TransactionState) => onTransition({ kind: tx.kind, key: tx.key, from, to }),
      track: (tx, destination) => this.destinations.add(tx, destination),
      retire: (tx) => this.retire(tx),
    };
  }

  /** Live client plus server transactions. */
  get liveCount(): number {
    return this.clients.size + this.servers.size;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  get serverCount(): number {
    return this.servers.size;
  }

  /** A fresh RFC 3261 branch (e.g. for the ACK of a 2xx, which is its own transaction, §17.1.1.3). */
  newBranch(): string {
    return newBranch(this.random, this.config.branchTokenLength);
  }

  /**
   * Starts a client transaction (ICT for INVITE, NICT otherwise) and sends the request, adding a
   * branch to the top Via when it has none. A synchronous send failure is reported through
   * `user.onTransportError` before this returns, and the transaction comes back Terminated.
   */
  sendRequest(request: SipRequest, destination: Destination, user: ClientTransactionUser): ClientTransaction {
    const method = request.method;
    if (method === 'ACK') throw new TransactionError('not-a-request-for-transaction', 'an ACK is not sent in a transaction of its own: use sendAck (§17.1.1.3)');
    const branched = withBranch(request, this.random, this.config.branchTokenLength);
    const key = clientTransactionKey(branched.branch, method);
    if (this.clients.find(branched.branch, method, clientMatches) !== undefined) throw new TransactionError('duplicate-transaction', `a client transaction with branch ${branched.branch} and method ${method} is live`);
    const tx: ClientTx = method === 'INVITE'
      ? new InviteClientTransaction(this.env, key, branched.branch, branched.request, destination, user)
      : new NonInviteClientTransaction(this.env, key, branched.branch, method, branched.request, destination, user);
    this.clients.add(tx);
    tx.start();
    return tx;
  }

  /** Sends the ACK for a 2xx outside any transaction (§13.2.2.4, §17.1.1.3); a branch is added when missing. */
  sendAck(ack: SipRequest, destination: Destination): SendOutcome {
    const branched = withBranch(ack, this.random, this.config.branchTokenLength);
    return this.transport.sendRequest(branched.request, destination).outcome;
  }

  /** The INVITE server transaction a CANCEL targets (§9.2), for a TU that wants to look for itself. */
  findInviteServerTransactionForCancel(cancel: SipRequest): InviteServerTransaction | undefined {
    const tx = this.servers.find(serverPrimaryKey(cancel, 'INVITE'), cancel, inviteMatches);
    return tx !== undefined && tx.kind === 'ist' ? tx : undefined;
  }

  onResponse(response: SipResponse, context: ReceiveContext): void {
    // §17.1.3: the top Via branch and the CSeq method name the client transaction.
    const branch = response.topVia.branch;
    const tx = branch === undefined ? undefined : this.clients.find(branch, response.cseq.method, clientMatches);
    if (tx !== undefined) {
      tx.receive(response);
      return;
    }
    this.user.onStrayResponse(response, context);
  }

  onRequest(request: SipRequest, context: ReceiveContext): void {
    const primary = serverPrimaryKey(request, serverMatchMethod(request));
    if (request.method === 'ACK') {
      this.onAck(request, context, primary);
      return;
    }
    const existing = this.servers.find(primary, request, serverMatches);
    if (existing !== undefined) {
      // §17.2.3: a retransmission is absorbed by its transaction, which resends its last response.
      existing.receiveRetransmission();
      return;
    }
    const key = serverTransactionKey(request);
    if (request.method === 'CANCEL') {
      const cancelTx = this.addServer(new NonInviteServerTransaction(this.env, key, primary, request, context));
      answerCancel(cancelTx, this.findInviteServerTransactionForCancel(request), this.user, this.random);
      return;
    }
    if (this.liveCount >= this.config.maxLiveTransactions) {
      this.rejectOverloaded(request, context);
      return;
    }
    const tx = request.method === 'INVITE'
      ? new InviteServerTransaction(this.env, key, primary, request, context)
      : new NonInviteServerTransaction(this.env, key, primary, request, context);
    this.addServer(tx);
    if (tx.kind === 'ist') tx.start();
    if (tx.state !== 'Terminated') this.user.onRequest(tx, request);
  }

  onTransportError(destination: Destination, reason: string): void {
    const affected = this.destinations.at(destination);
    if (affected.length > 0) this.logger.info({ host: destination.address.host, port: destination.address.port, transactions: affected.length, reason }, 'transport failure ends transactions');
    for (const tx of affected) tx.onTransportFailure(reason);
  }

  private onAck(ack: SipRequest, context: ReceiveContext, primary: string): void {
    let tx = this.servers.find(primary, ack, inviteMatches);
    if (tx === undefined) {
      // §17.2.3: an RFC 2543 ACK carries the To tag of our response, which the INVITE lacked.
      const fallback = rfc2543AckKeyWithoutToTag(ack);
      const candidate = fallback === undefined ? undefined : this.servers.find(fallback, ack, inviteMatches);
      if (candidate !== undefined && candidate.lastResponse?.toTag === ack.toTag) tx = candidate;
    }
    if (tx !== undefined && tx.kind === 'ist') {
      tx.receiveAck(ack, context);
      return;
    }
    this.user.onStrayAck(ack, context);
  }

  private addServer<T extends ServerTx>(tx: T): T {
    this.servers.add(tx);
    return tx;
  }

  /** Beyond maxLiveTransactions a new request gets 503 without a transaction (§21.5.4). */
  private rejectOverloaded(request: SipRequest, context: ReceiveContext): void {
    this.logger.warn({ method: request.method, live: this.liveCount }, 'transaction limit reached; 503');
    const response = createResponse(request, 503, undefined, { toTag: request.toTag ?? this.random.token(10) });
    this.transport.sendResponse(response, context);
  }

  private retire(tx: TrackedTransaction): void {
    this.destinations.remove(tx);
    if (tx instanceof InviteClientTransaction || tx instanceof NonInviteClientTransaction) this.clients.remove(tx);
    else if (tx instanceof InviteServerTransaction || tx instanceof NonInviteServerTransaction) this.servers.remove(tx);
  }
}

/** §17.1.3: same branch (the table's primary) and the CSeq method of the transaction. */
function clientMatches(tx: ClientTx, method: string): boolean {
  return tx.method === method;
}

/** §17.2.3: same branch or RFC 2543 key (the primary), the same sent-by, and the transaction's method (an ACK's is INVITE). */
function serverMatches(tx: ServerTx, request: SipRequest): boolean {
  return tx.method === serverMatchMethod(request) && sameSentBy(tx.request.topVia, request.topVia);
}

/** The INVITE transaction an ACK or a CANCEL names (§17.2.3, §9.2). */
function inviteMatches(tx: ServerTx, request: SipRequest): boolean {
  return tx.kind === 'ist' && sameSentBy(tx.request.topVia, request.topVia);
}

function sameSentBy(a: Via, b: Via): boolean {
  return a.host === b.host && a.port === b.port;
}
