/** Errors the simulator throws, each with a stable code and the seed that reproduces it (DESIGN.md, Simulator). */

export type SimulationErrorCode =
  /** An invariant checker reported a violation. */
  | 'SIM_INVARIANT'
  /** A timer callback on a simulated host threw. */
  | 'SIM_TIMER_CALLBACK'
  /** An event (packet handler, host code) threw. */
  | 'SIM_EVENT_THREW'
  /** The test set the world up wrongly (unknown host, duplicate address, …). */
  | 'SIM_CONFIG';

export interface SimulationErrorContext {
  readonly seed: number;
  readonly step: number;
  readonly timeMs: number;
}

export class SimulationError extends Error {
  constructor(
    readonly code: SimulationErrorCode,
    message: string,
    readonly context: SimulationErrorContext | undefined,
    options?: { cause?: unknown },
  ) {
    super(context === undefined ? message : `${message} (seed ${context.seed}, step ${context.step}, t=${context.timeMs}ms)`, options);
    this.name = 'SimulationError';
  }
}
