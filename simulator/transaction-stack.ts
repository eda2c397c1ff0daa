/**
 * Puts the engine's real SIP stack (RFC 3261 §18 transport layer under the §17 transaction layer)
 * on a simulated host, listening on UDP port 5060 at `host`: the wiring the simulator's
 * transaction-level tests and benchmarks share.
 */
import { silentLogger } from '../engine/ports/logger';
import { TransactionLayer } from '../engine/transaction/transaction-layer';
import type { TransactionUser } from '../engine/transaction/transaction-types';
import { SipTransportLayer } from '../engine/transport/sip-transport-layer';
import type { TransportUser } from '../engine/transport/transport-layer';
import type { HostContext } from './host';

export function attachTransactionStack(ctx: HostContext, host: string, user: TransactionUser): TransactionLayer {
  // The transport layer needs its user before the transaction layer (which needs the transport) exists.
  let layer: TransactionLayer | undefined;
  const up: TransportUser = {
    onRequest: (request, context) => layer?.onRequest(request, context),
    onResponse: (response, context) => layer?.onResponse(response, context),
    onTransportError: (destination, reason) => layer?.onTransportError(destination, reason),
  };
  const transport = new SipTransportLayer({
    transport: ctx.transport, user: up, logger: silentLogger,
    listen: [{ protocol: 'udp', local: { host, port: 5060 }, advertised: { host, port: 5060 } }],
  });
  ctx.onPacket((packet) => transport.receive(packet));
  layer = new TransactionLayer({ transport, timers: ctx.timers, random: ctx.random, user });
  return layer;
}
