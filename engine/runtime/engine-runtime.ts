/**
 * The engine on real interfaces: sockets from the config's listen specs, the real clock and
 * randomness, the B2B stack with the user's script as its main route and entities hooks, one log
 * line per call start and end, the MI endpoint, and a clean stop (BYE/CANCEL live calls, or leave them).
 */
import { join } from 'node:path';
import type { B2bStack } from '../b2b/b2b-stack';
import type { EntitiesApi } from '../b2b/entities/entity-types';
import type { LogicApi } from '../b2b/logic/logic-types';
import type { EngineConfig } from '../config/engine-config';
import { defaultMiRegistry } from '../mgmt/mi-registry';
import type { Logger } from '../ports/logger';
import { formatUri } from '../sip/uri';
import { createScriptedStack } from '../script/scripted-stack';
import { ClockTimerService } from '../timers/clock-timer-service';
import type { TimerService } from '../timers/timer-service';
import type { ListenPoint } from '../transport/listen-point';
import { createConsoleLogger } from './console-logger';
import { startMiHttpServer, type MiHttpServer } from './mi-http-server';
import { NodeTransport } from './node-transport';
import { RealClock } from './real-clock';
import { RealRandom } from './real-random';
import { loadScript, type LoadedScript } from './script-loader';

/** The package root: where the embedded default script path resolves. */
export const PACKAGE_ROOT = join(__dirname, '..', '..');

export interface StartEngineOptions {
  readonly logger?: Logger;
  /** Folder a script named in the config file resolves against (the file's folder). Default: the working directory. */
  readonly configDir?: string;
  /** An already loaded script (tests); otherwise `config.script` is loaded. */
  readonly script?: LoadedScript;
  /** After `stop('bye')`, how long to wait for BYE/CANCEL transactions to finish before closing sockets (default 2000). */
  readonly drainMs?: number;
}

export interface RunningEngine {
  /** The bound SIP sockets (actual ports when the config asked for 0). */
  readonly sip: readonly ListenPoint[];
  readonly mi: MiHttpServer | undefined;
  readonly logic: LogicApi;
  readonly entities: EntitiesApi;
  readonly stack: B2bStack;
  readonly script: LoadedScript;
  readonly logger: Logger;
  /** The engine's one timer facility: `armedCount` returns to 0 once every call and transaction has ended. */
  readonly timers: TimerService;
  /** Ends live calls (`bye`, the config's `shutdown` by default) or leaves them (`leave`), then closes everything. Safe to call twice. */
  stop(mode?: 'bye' | 'leave'): Promise<void>;
}

export async function startEngine(config: EngineConfig, options: StartEngineOptions = {}): Promise<RunningEngine> {
  const logger = options.logger ?? createConsoleLogger({ level: config.logLevel });
  const script = options.script ?? loadScript(config.script, scriptBase(config, options));
  const transport = await NodeTransport.open({ listen: config.listen });
  const clock = new RealClock();
  const timers = new ClockTimerService(clock, { onError: (error) => logger.error({ error: String(error) }, 'timer callback threw') });
  const random = new RealRandom();
  let stack: B2bStack;
  try {
    ({ stack } = createScriptedStack({
      transport, listen: transport.listenPoints, timers, clock, random, logger, config, routes: script.routes, scriptFile: script.file,
      events: {
        onSessionStart: (key, scenario, request) => logger.info({
          key, scenario, callId: request.callId, from: formatUri(request.from.uri), to: formatUri(request.uri),
        }, 'call start'),
        onSessionEnd: (key, scenario, cause) => logger.info({ key, scenario, cause }, 'call end'),
      },
    }));
  } catch (error) {
    clock.close();
    await transport.close();
    throw error;
  }
  transport.onReceive((packet) => stack.receive(packet));
  transport.onConnectionClosed((id) => stack.transportLayer.connectionClosed(id));
  let mi: MiHttpServer | undefined;
  if (config.mi !== false) {
    try {
      mi = await startMiHttpServer(config.mi.host, config.mi.port, defaultMiRegistry, stack);
    } catch (error) {
      clock.close();
      await transport.close();
      throw new Error(`management endpoint ${config.mi.host}:${config.mi.port}: ${(error as Error).message}`);
    }
  }
  const sockets = transport.listenPoints.map((p) => `${p.protocol}:${p.local.host}:${p.local.port}`).join(' ');
  logger.info({ sockets, script: script.file, mi: mi?.url }, 'engine started');

  let stopping: Promise<void> | undefined;
  const stop = (mode: 'bye' | 'leave' = config.shutdown): Promise<void> => {
    stopping ??= (async () => {
      const live = stack.logic.counts.sessions;
      if (mode === 'bye' && live > 0) {
        logger.info({ sessions: live }, 'stopping: ending live calls');
        stack.logic.terminateAll();
        await waitFor(() => stack.logic.counts.sessions === 0, options.drainMs ?? 2000);
      }
      await mi?.close();
      clock.close();
      await transport.close();
      logger.info({ sessionsLeft: stack.logic.counts.sessions }, 'engine stopped');
    })();
    return stopping;
  };
  return { sip: transport.listenPoints, mi, logic: stack.logic, entities: stack.entities, stack, script, logger, timers, stop };
}

function scriptBase(config: EngineConfig, options: StartEngineOptions): string {
  switch (config.scriptOrigin) {
    case 'default': return PACKAGE_ROOT;
    case 'file': return options.configDir ?? process.cwd();
    case 'override': return process.cwd();
    default: {
      const never: never = config.scriptOrigin;
      throw new Error(`unknown script origin ${String(never)}`);
    }
  }
}

/** Polls until `done` or the time is up (shutdown only: live traffic is driven by the clock, not by this). */
async function waitFor(done: () => boolean, limitMs: number): Promise<void> {
  const until = Date.now() + limitMs;
  while (!done() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
}
