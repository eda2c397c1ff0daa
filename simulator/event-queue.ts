/** The simulator's single event queue: a binary min-heap ordered by (time, sequence) with lazy cancellation (DESIGN.md, Simulator). */

export interface SimEvent {
  readonly timeMs: number;
  readonly seq: number;
  /** Names the event in errors and traces ("b2b:wake", "deliver c3"). */
  readonly label: string;
  readonly run: () => void;
  cancelled: boolean;
}

export class EventQueue {
  private heap: SimEvent[] = [];
  private nextSeq = 0;
  private live = 0;

  /** Events not cancelled. */
  get size(): number {
    return this.live;
  }

  push(timeMs: number, label: string, run: () => void): SimEvent {
    if (!Number.isFinite(timeMs)) throw new RangeError(`event time must be finite, got ${timeMs}`);
    const event: SimEvent = { timeMs, seq: this.nextSeq++, label, run, cancelled: false };
    const heap = this.heap;
    let pos = heap.length;
    heap.push(event);
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      if (!before(event, heap[parent])) break;
      heap[pos] = heap[parent];
      pos = parent;
    }
    heap[pos] = event;
    this.live++;
    return event;
  }

  cancel(event: SimEvent): void {
    if (event.cancelled) return;
    event.cancelled = true;
    this.live--;
  }

  /** Time of the next live event, or undefined when none is left. */
  peekTimeMs(): number | undefined {
    this.dropCancelledHead();
    return this.heap.length === 0 ? undefined : this.heap[0].timeMs;
  }

  pop(): SimEvent | undefined {
    this.dropCancelledHead();
    const top = this.takeHead();
    if (top !== undefined) {
      this.live--;
      // Mark it so a late cancel() of an event that already ran does not corrupt the count.
      top.cancelled = true;
    }
    return top;
  }

  private dropCancelledHead(): void {
    while (this.heap.length > 0 && this.heap[0].cancelled) this.takeHead();
  }

  private takeHead(): SimEvent | undefined {
    const heap = this.heap;
    if (heap.length === 0) return undefined;
    const top = heap[0];
    const last = heap.pop() as SimEvent;
    if (heap.length > 0) {
      let pos = 0;
      const size = heap.length;
      for (;;) {
        let child = 2 * pos + 1;
        if (child >= size) break;
        if (child + 1 < size && before(heap[child + 1], heap[child])) child++;
        if (!before(heap[child], last)) break;
        heap[pos] = heap[child];
        pos = child;
      }
      heap[pos] = last;
    }
    return top;
  }
}

function before(a: SimEvent, b: SimEvent): boolean {
  return a.timeMs < b.timeMs || (a.timeMs === b.timeMs && a.seq < b.seq);
}

/** What hosts, clocks and the network need from the world: its time and a way to schedule. */
export interface SimScheduler {
  readonly nowMs: number;
  at(timeMs: number, label: string, run: () => void): SimEvent;
  cancel(event: SimEvent): void;
}
