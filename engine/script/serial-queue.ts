/**
 * Per-key ordering for async routes (DESIGN.md, Concurrency): a task for a key runs at once when the
 * key is idle (synchronous routes pay nothing), otherwise after the tasks queued before it.
 */

type Task = () => void | Promise<void>;

export class SerialQueue {
  private readonly tails = new Map<string, Promise<void>>();

  /** Tasks must not throw or reject: the caller handles its own errors. */
  run(key: string, task: Task): void {
    const tail = this.tails.get(key);
    if (tail === undefined) {
      const result = task();
      if (result !== undefined) this.track(key, result);
      return;
    }
    this.track(key, tail.then(task));
  }

  /** Keys with a task pending. */
  get pending(): number {
    return this.tails.size;
  }

  /** Resolves when every queued task has finished. */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }

  private track(key: string, promise: Promise<void>): void {
    const settled = promise.then(() => {
      if (this.tails.get(key) === settled) this.tails.delete(key);
    });
    this.tails.set(key, settled);
  }
}
