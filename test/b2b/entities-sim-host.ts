/** Test support: a simulator host running transport + transaction layer + B2bEntities, one RelayOwner per call (engine/b2b/entities/test-support.ts). */
import { silentLogger } from '../../engine/ports/logger';
import type { SipRequest } from '../../engine/sip/message';
import type { Uri } from '../../engine/sip/types';
import { TransactionLayer } from '../../engine/transaction/transaction-layer';
import { SipTransportLayer } from '../../engine/transport/sip-transport-layer';
import type { TransportUser } from '../../engine/transport/transport-layer';
import { buildResponse } from '../../engine/dialog/responses';
import { B2bEntities, lateBoundUser } from '../../engine/b2b/entities/b2b-entities';
import { defaultEntitiesConfig, type ClientSpec, type EntitiesConfig } from '../../engine/b2b/entities/entity-types';
import { RelayOwner } from '../../engine/b2b/entities/test-support';
import type { HostContext, SimHost, World } from '../../simulator';

export interface B2bHost {
  readonly ctx: HostContext;
  readonly entities: B2bEntities;
  readonly transactions: TransactionLayer;
  readonly relays: RelayOwner[];
}

export function addB2bHost(
  world: World, address: string, target: (invite: SipRequest) => Omit<ClientSpec, 'contact'>, config: Partial<EntitiesConfig> = {},
): SimHost<B2bHost> {
  return world.addHost<B2bHost>({
    name: 'b2b',
    addresses: [address],
    listen: [{ protocol: 'udp', port: 5060 }],
    build: (ctx) => {
      const contact = `<sip:b2b@${address}:5060>`;
      let transactions: TransactionLayer | undefined;
      let entities: B2bEntities | undefined;
      const up: TransportUser = {
        onRequest: (request, context) => transactions?.onRequest(request, context),
        onResponse: (response, context) => transactions?.onResponse(response, context),
        onTransportError: (destination, reason) => transactions?.onTransportError(destination, reason),
      };
      const transport = new SipTransportLayer({
        transport: ctx.transport, user: up, logger: silentLogger,
        listen: [{ protocol: 'udp', local: { host: address, port: 5060 }, advertised: { host: address, port: 5060 } }],
      });
      ctx.onPacket((packet) => transport.receive(packet));
      transactions = new TransactionLayer({ transport, timers: ctx.timers, random: ctx.random.fork('tx'), user: lateBoundUser(() => entities) });
      const relays: RelayOwner[] = [];
      const made = new B2bEntities({
        transactions, timers: ctx.timers, clock: ctx.clock, random: ctx.random.fork('entities'),
        config: { ...defaultEntitiesConfig, ...config },
        isLocal: (uri: Uri) => 'host' in uri && uri.host === address && (uri.port ?? 5060) === 5060,
        delegate: {
          onInitialRequest: (request, tx) => {
            if (request.method !== 'INVITE') {
              tx.respond(buildResponse(request, 405, { toTag: ctx.random.token(10) }));
              return;
            }
            const relay = new RelayOwner(made, contact, target);
            relays.push(relay);
            relay.onInitialRequest(request, tx);
          },
        },
      });
      entities = made;
      return { ctx, entities: made, transactions, relays };
    },
  });
}

/** What must hold once the world is idle: no entity, transaction or timer left on the B2B host. */
export function b2bLeftovers(host: B2bHost): string[] {
  const out: string[] = [];
  const counts = host.entities.counts;
  if (counts.servers + counts.clients !== 0) out.push(`b2b: ${counts.servers} server / ${counts.clients} client entities`);
  if (host.transactions.liveCount !== 0) out.push(`b2b: ${host.transactions.liveCount} transactions`);
  if (host.ctx.timers.armedCount !== 0) out.push(`b2b: ${host.ctx.timers.armedCount} timers armed`);
  return out;
}
