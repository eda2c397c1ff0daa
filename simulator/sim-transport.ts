/** The Transport port of one simulated host incarnation: sends go into the simulated network (DESIGN.md, Simulator). */
import type { OutboundPacket, Transport, TransportFailure, TransportProtocol } from '../engine/ports/transport';

/** What the transport needs from the network; kept narrow so the transport can be tested alone. */
export interface PacketSink {
  send(hostName: string, incarnation: number, packet: OutboundPacket): void;
  closeConnection(hostName: string, connectionId: string): void;
}

export type FailureListener = (failure: TransportFailure, packet: OutboundPacket) => void;

export class SimTransport implements Transport {
  private readonly failureListeners: FailureListener[] = [];
  private alive = true;

  constructor(
    private readonly sink: PacketSink,
    readonly hostName: string,
    readonly incarnation: number,
  ) {}

  send(packet: OutboundPacket): void {
    // A crashed incarnation's code may still hold this object: its sends go nowhere.
    if (this.alive) this.sink.send(this.hostName, this.incarnation, packet);
  }

  onFailure(listener: FailureListener): void {
    this.failureListeners.push(listener);
  }

  isReliable(protocol: TransportProtocol): boolean {
    return protocol !== 'udp';
  }

  closeConnection(connectionId: string): void {
    if (this.alive) this.sink.closeConnection(this.hostName, connectionId);
  }

  /** Called by the network when a send failed (refused, unreachable, connection lost). */
  reportFailure(failure: TransportFailure, packet: OutboundPacket): void {
    if (!this.alive) return;
    for (const listener of this.failureListeners) listener(failure, packet);
  }

  kill(): void {
    this.alive = false;
  }
}
