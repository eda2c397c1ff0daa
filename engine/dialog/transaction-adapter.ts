/**
 * Connects the UA core to the transaction layer (RFC 3261 §17): client transactions, the ACK for a
 * 2xx (not a transaction of its own, §17.1.1.3), and the TU upcalls.
 */
import type { SipRequest, SipResponse } from '../sip/message';
import type {
  ClientTransaction, ClientTransactionUser, InviteServerTransaction, ServerTransaction, TransactionUser,
} from '../transaction/transaction-types';
import type { Destination } from '../transport/transport-layer';
import type { UaClientHandlers, UaClientTransaction, UaTransactionUser, UaTransactions } from './ua-transactions';

/** The calls the UA core makes on the transaction layer. */
export interface ClientTransactionStarter {
  sendRequest(request: SipRequest, destination: Destination, user: ClientTransactionUser): ClientTransaction;
  /** The ACK for a 2xx, sent outside any transaction (§13.2.2.4, §17.1.1.3). */
  sendAck(ack: SipRequest, destination: Destination): unknown;
}

/**
 * The TransactionUser handed to the transaction layer at construction; `bind()` it to that layer
 * afterwards (the layer needs its user first, the core needs the layer).
 */
export class TransactionAdapter implements TransactionUser, UaTransactions {
  private layer: ClientTransactionStarter | undefined;

  constructor(private readonly core: UaTransactionUser & { bind(transactions: UaTransactions): void }) {}

  bind(layer: ClientTransactionStarter): void {
    this.layer = layer;
    this.core.bind(this);
  }

  // ---- downward ----

  sendRequest(request: SipRequest, destination: Destination, handlers: UaClientHandlers): UaClientTransaction {
    if (this.layer === undefined) throw new Error('TransactionAdapter.bind() was not called');
    return this.layer.sendRequest(request, destination, {
      onResponse: (response) => handlers.onResponse(response),
      // §8.1.3.1: a transaction timeout is treated as 408, a transport failure as 503.
      onTimeout: () => handlers.onFailure(408, 'Request Timeout'),
      onTransportError: (_tx, reason) => handlers.onFailure(503, `Service Unavailable (${reason})`),
      onTerminated: () => handlers.onTerminated?.(),
    });
  }

  sendAck(ack: SipRequest, destination: Destination): void {
    if (this.layer === undefined) throw new Error('TransactionAdapter.bind() was not called');
    this.layer.sendAck(ack, destination);
  }

  // ---- upward ----

  onRequest(serverTx: ServerTransaction, request: SipRequest): void {
    this.core.onRequest(serverTx, request);
  }

  onStrayAck(ack: SipRequest): void {
    this.core.onStrayAck(ack);
  }

  onStrayResponse(response: SipResponse): void {
    this.core.onStrayResponse(response);
  }

  onCancel(inviteTx: InviteServerTransaction, cancel: SipRequest): void {
    this.core.onCancel(inviteTx, cancel);
  }
}
