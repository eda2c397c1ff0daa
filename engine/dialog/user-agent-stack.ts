/**
 * A whole user agent made of the layers (RFC 3261 §18 transport, §17 transactions, §12–15 dialogs):
 * wires a Transport port to SipTransportLayer → TransactionLayer → UserAgentCore. The simulator
 * and the Node runtime both build their UAs with it.
 */
import { silentLogger, type Logger } from '../ports/logger';
import type { InboundPacket, Transport } from '../ports/transport';
import type { Random } from '../ports/random';
import type { TimerService } from '../timers/timer-service';
import { TransactionLayer } from '../transaction/transaction-layer';
import type { TransactionConfig } from '../transaction/transaction-config';
import type { ListenPoint } from '../transport/listen-point';
import { SipTransportLayer } from '../transport/sip-transport-layer';
import type { TransportUser } from '../transport/transport-layer';
import { TransactionAdapter } from './transaction-adapter';
import { UserAgentCore, type UserAgentConfig, type UserAgentDelegate } from './user-agent-core';
import type { NextHopResolver } from './next-hop';

export interface UserAgentStackOptions {
  readonly transport: Transport;
  readonly listen: readonly ListenPoint[];
  readonly timers: TimerService;
  readonly random: Random;
  readonly logger?: Logger;
  /** Our Contact value; defaults to `<sip:ua@host:port;transport=…>` of the first listen point. */
  readonly contact?: string;
  readonly delegate?: UserAgentDelegate;
  readonly config?: Partial<UserAgentConfig>;
  readonly transactionConfig?: Partial<TransactionConfig>;
  readonly resolve?: NextHopResolver;
}

export interface UserAgentStack {
  readonly core: UserAgentCore;
  readonly transactions: TransactionLayer;
  readonly transportLayer: SipTransportLayer;
  /** Hand every packet the socket owner receives to this. */
  receive(packet: InboundPacket): void;
}

export function createUserAgentStack(options: UserAgentStackOptions): UserAgentStack {
  const logger = options.logger ?? silentLogger;
  const first = options.listen[0];
  if (first === undefined) throw new Error('createUserAgentStack needs at least one listen point');
  const host = first.advertised.host.includes(':') ? `[${first.advertised.host}]` : first.advertised.host;
  const contact = options.contact ?? `<sip:ua@${host}:${first.advertised.port}${first.protocol === 'udp' ? '' : `;transport=${first.protocol}`}>`;
  const core = new UserAgentCore({
    timers: options.timers, random: options.random.fork('ua-core'), logger, contact,
    delegate: options.delegate, config: options.config, resolve: options.resolve,
  });
  const adapter = new TransactionAdapter(core);
  // The transport layer needs its user at construction and the transaction layer needs the transport layer.
  let transactions: TransactionLayer | undefined;
  const upward: TransportUser = {
    onRequest: (request, context) => transactions?.onRequest(request, context),
    onResponse: (response, context) => transactions?.onResponse(response, context),
    onTransportError: (destination, reason) => transactions?.onTransportError(destination, reason),
  };
  const transportLayer = new SipTransportLayer({ transport: options.transport, listen: options.listen, user: upward, logger });
  transactions = new TransactionLayer({
    transport: transportLayer, timers: options.timers, random: options.random.fork('transactions'), logger,
    config: { ...options.transactionConfig, t1Ms: core.t1Ms, t2Ms: core.t2Ms }, user: adapter,
  });
  adapter.bind(transactions);
  return { core, transactions, transportLayer, receive: (packet) => transportLayer.receive(packet) };
}
