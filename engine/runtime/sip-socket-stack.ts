/** Wires a SipTransportLayer (RFC 3261 §18) to real sockets: opens a NodeTransport and feeds the layer from it. */
import type { Logger } from '../ports/logger';
import type { ParseLimits } from '../sip';
import { SipTransportLayer } from '../transport/sip-transport-layer';
import type { TransportLayerConfig } from '../transport/transport-config';
import type { TransportUser } from '../transport/transport-layer';
import { NodeTransport, type NodeTransportOptions } from './node-transport';

export interface SipSocketStackOptions extends NodeTransportOptions {
  readonly user: TransportUser;
  readonly logger: Logger;
  readonly limits?: Partial<ParseLimits>;
  readonly config?: Partial<TransportLayerConfig>;
}

export interface SipSocketStack {
  readonly transport: NodeTransport;
  readonly layer: SipTransportLayer;
  close(): Promise<void>;
}

export async function openSipSocketStack(options: SipSocketStackOptions): Promise<SipSocketStack> {
  const transport = await NodeTransport.open(options);
  let layer: SipTransportLayer;
  try {
    layer = new SipTransportLayer({
      transport, listen: transport.listenPoints, user: options.user, logger: options.logger,
      ...(options.limits !== undefined ? { limits: options.limits } : {}),
      ...(options.config !== undefined ? { config: options.config } : {}),
    });
  } catch (error) {
    await transport.close();
    throw error;
  }
  transport.onReceive((packet) => layer.receive(packet));
  transport.onConnectionClosed((connectionId) => layer.connectionClosed(connectionId));
  return { transport, layer, close: () => transport.close() };
}
