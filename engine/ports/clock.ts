/** Clock port: the engine's only source of time (DESIGN.md, the sans-I/O rule). */

/**
 * A monotonic millisecond clock with a single wake-up slot.
 * The engine's timer facility keeps all its timers itself and asks the clock
 * for one wake-up at its earliest deadline; the real runtime backs that with one
 * `setTimeout`, the simulator with its event queue.
 */
export interface Clock {
  /** Milliseconds on a monotonic scale; only differences are meaningful. */
  nowMs(): number;
  /**
   * Arms the single wake-up: `onWake` runs once at or after `atMs`.
   * A later call replaces the previous one; `undefined` disarms it.
   */
  setWakeup(atMs: number | undefined, onWake: () => void): void;
}
