/** The MI commands b2bkit answers, found by their 4.0 names or their old aliases (opensips-b2b.md §2.4, §3.3). */
import { b2bEntitiesList } from './b2b-entities-list';
import { b2bLogicList, b2bLogicTerminateCall } from './b2b-logic-commands';
import { b2bLogicBridge, b2bLogicTriggerScenario } from './b2b-logic-starters';
import type { MiCommand } from './mi-types';

export class MiRegistry {
  private readonly byName = new Map<string, MiCommand>();

  constructor(readonly commands: readonly MiCommand[]) {
    for (const command of commands) {
      for (const name of [command.name, ...command.aliases]) {
        if (this.byName.has(name)) throw new Error(`MI command name "${name}" registered twice`);
        this.byName.set(name, command);
      }
    }
  }

  find(name: string): MiCommand | undefined {
    return this.byName.get(name);
  }
}

export const defaultMiRegistry = new MiRegistry([b2bLogicList, b2bLogicTerminateCall, b2bLogicTriggerScenario, b2bLogicBridge, b2bEntitiesList]);
