/** Test support: a user agent made of the engine's layers on real Node sockets (the runtime's NodeTransport, port 0). */
import { createUserAgentStack, type UserAgentStack } from '../../engine/dialog/user-agent-stack';
import type { UserAgentDelegate } from '../../engine/dialog/user-agent-core';
import { NodeTransport } from '../../engine/runtime/node-transport';
import { RealClock } from '../../engine/runtime/real-clock';
import { RealRandom } from '../../engine/runtime/real-random';
import { ClockTimerService } from '../../engine/timers/clock-timer-service';

export interface NodeUa {
  readonly stack: UserAgentStack;
  readonly transport: NodeTransport;
  readonly timers: ClockTimerService;
  readonly port: number;
  /** Timer callbacks that threw (must stay empty). */
  readonly errors: unknown[];
  close(): Promise<void>;
}

export async function openNodeUa(protocol: 'udp' | 'tcp', delegate: UserAgentDelegate = {}, port = 0): Promise<NodeUa> {
  const transport = await NodeTransport.open({ listen: [`${protocol}:127.0.0.1:${port}`] });
  const clock = new RealClock();
  const errors: unknown[] = [];
  const timers = new ClockTimerService(clock, { onError: (error) => errors.push(error) });
  const point = transport.listenPoints[0]!;
  const stack = createUserAgentStack({
    transport, listen: transport.listenPoints, timers, random: new RealRandom(), delegate,
    contact: `<sip:ua@127.0.0.1:${point.advertised.port}${protocol === 'tcp' ? ';transport=tcp' : ''}>`,
  });
  transport.onReceive((packet) => stack.receive(packet));
  transport.onConnectionClosed((id) => stack.transportLayer.connectionClosed(id));
  return {
    stack, transport, timers, port: point.advertised.port, errors,
    close: async () => {
      clock.close();
      await transport.close();
    },
  };
}
