/**
 * 3PCC commands between agents of one run (ecosystem.md §2.6; SIPp's twin socket, in memory).
 * Delivery is synchronous but never re-entrant: a command sent while another is being delivered
 * waits in a FIFO until that delivery returns, so order is deterministic.
 */
import type { CommandBus } from './agent-runner-api';

export class InProcessCommandBus implements CommandBus {
  private readonly agents = new Map<string, (message: string, from: string) => void>();
  private readonly queue: { readonly to: string; readonly from: string; readonly message: string }[] = [];
  private delivering = false;

  register(agent: string, onCommand: (message: string, from: string) => void): void {
    if (this.agents.has(agent)) throw new Error(`agent "${agent}" is already registered on the command bus`);
    this.agents.set(agent, onCommand);
  }

  /** To `to`, or with no name to the one other agent (SIPp's single twin); false when there is no such peer. */
  send(from: string, to: string | undefined, message: string): boolean {
    const target = to ?? this.onlyPeer(from);
    if (target === undefined || target === from || !this.agents.has(target)) return false;
    this.queue.push({ to: target, from, message });
    if (!this.delivering) this.drain();
    return true;
  }

  private onlyPeer(from: string): string | undefined {
    const others = [...this.agents.keys()].filter((name) => name !== from);
    return others.length === 1 ? others[0] : undefined;
  }

  private drain(): void {
    this.delivering = true;
    try {
      for (let item = this.queue.shift(); item !== undefined; item = this.queue.shift()) {
        (this.agents.get(item.to) as (message: string, from: string) => void)(item.message, item.from);
      }
    } finally {
      this.delivering = false;
    }
  }
}
