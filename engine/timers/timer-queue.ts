/** Indexed 4-ary min-heap of timers in pooled struct-of-arrays slots (DESIGN.md, Timers and tables). */

/**
 * Why a heap and not a timing wheel: deadlines are arbitrary (fractional) milliseconds, fire order
 * must be exactly (deadline, scheduling order) for determinism, and a timer must fire at exactly
 * t+d in the simulator. A wheel quantises deadlines into ticks and needs extra work to keep ties in
 * order; the heap gives both for free at O(log n). Removal is eager via a slot -> heap position
 * index, so a cancelled timer frees its slot at once: memory stays at live timers only and no
 * compaction pass is ever needed.
 *
 * Layout, for cache misses rather than instructions: each heap entry carries its own key
 * (deadline, sequence) interleaved in one Float64Array, so sifting compares without chasing slots,
 * and the heap is 4-ary, so the four children of a node share one or two cache lines and a
 * million timers are 10 levels deep instead of 20.
 *
 * Per timer: key (16 B) + heap slot (4 B) + heap position and generation (8 B) + free-list
 * entry (4 B) + callback pointer (8 B), no object per timer; arrays grow by doubling.
 */

/** Ids are `generation * SLOT_SPACE + slot`; a stale id (older generation) never matches a reused slot. */
const SLOT_BITS = 24;
const SLOT_SPACE = 2 ** SLOT_BITS;
/** Generations wrap so ids stay below 2^53; a stale id could only alias after 2^29 reuses of its slot. */
const MAX_GENERATION = 2 ** (53 - SLOT_BITS) - 1;
const INITIAL_CAPACITY = 64;

export class TimerQueueError extends Error {
  constructor(
    readonly code: 'ERR_TIMER_CAPACITY',
    message: string,
  ) {
    super(message);
    this.name = 'TimerQueueError';
  }
}

export class TimerQueue {
  /** Heap order: entry i has deadline keys[2i], sequence keys[2i+1] and slot heapSlots[i]. */
  private keys = new Float64Array(2 * INITIAL_CAPACITY);
  private heapSlots = new Int32Array(INITIAL_CAPACITY);
  /**
   * Per slot, interleaved so a cancel touches one cache line: [2s] heap index (-1 when the slot
   * is free), [2s+1] generation.
   */
  private slotMeta = new Int32Array(2 * INITIAL_CAPACITY);
  private freeSlots = new Int32Array(INITIAL_CAPACITY);
  private callbacks: Array<(() => void) | undefined> = [];
  private freeCount = 0;
  /** Slots handed out so far (fresh ones are taken from here when the free list is empty). */
  private slotsUsed = 0;
  private heapSize = 0;
  private nextSequence = 0;

  get size(): number {
    return this.heapSize;
  }

  /** The sequence number the next added timer will get: timers added from now on compare greater. */
  get sequenceMark(): number {
    return this.nextSequence;
  }

  add(deadlineMs: number, fire: () => void): number {
    const slot = this.takeSlot();
    this.callbacks[slot] = fire;
    this.siftUp(this.heapSize++, deadlineMs, this.nextSequence++, slot);
    return this.slotMeta[2 * slot + 1] * SLOT_SPACE + slot;
  }

  /** Removes an armed timer; returns false (and does nothing) for a fired, cancelled or unknown id. */
  remove(id: number): boolean {
    const slot = this.slotOf(id);
    if (slot < 0) return false;
    this.removeAt(this.slotMeta[2 * slot]);
    this.releaseSlot(slot);
    return true;
  }

  has(id: number): boolean {
    return this.slotOf(id) >= 0;
  }

  /** Deadline of the earliest timer, or undefined when empty. */
  peekDeadline(): number | undefined {
    return this.heapSize === 0 ? undefined : this.keys[0];
  }

  /** Sequence number of the earliest timer (only meaningful when size > 0). */
  peekSequence(): number {
    return this.keys[1];
  }

  /** Id of the earliest timer (only meaningful when size > 0). */
  peekId(): number {
    const slot = this.heapSlots[0];
    return this.slotMeta[2 * slot + 1] * SLOT_SPACE + slot;
  }

  /** Removes the earliest timer and returns its callback (the caller checked size > 0). */
  pop(): () => void {
    const slot = this.heapSlots[0];
    const fire = this.callbacks[slot] as () => void;
    this.removeAt(0);
    this.releaseSlot(slot);
    return fire;
  }

  private slotOf(id: number): number {
    const slot = id % SLOT_SPACE;
    if (!(slot >= 0 && slot < this.slotsUsed)) return -1;
    if (this.slotMeta[2 * slot] < 0) return -1;
    if (this.slotMeta[2 * slot + 1] !== (id - slot) / SLOT_SPACE) return -1;
    return slot;
  }

  private takeSlot(): number {
    if (this.freeCount > 0) return this.freeSlots[--this.freeCount];
    const slot = this.slotsUsed;
    if (slot >= SLOT_SPACE) {
      throw new TimerQueueError('ERR_TIMER_CAPACITY', `more than ${SLOT_SPACE} timers armed at once`);
    }
    if (slot === this.heapSlots.length) this.grow();
    this.slotsUsed++;
    this.slotMeta[2 * slot + 1] = 1;
    this.callbacks.push(undefined);
    return slot;
  }

  private releaseSlot(slot: number): void {
    this.slotMeta[2 * slot] = -1;
    this.callbacks[slot] = undefined;
    const g = this.slotMeta[2 * slot + 1];
    this.slotMeta[2 * slot + 1] = g >= MAX_GENERATION ? 1 : g + 1;
    this.freeSlots[this.freeCount++] = slot;
  }

  private grow(): void {
    const capacity = Math.min(this.heapSlots.length * 2, SLOT_SPACE);
    this.keys = grown(new Float64Array(2 * capacity), this.keys);
    this.heapSlots = grown(new Int32Array(capacity), this.heapSlots);
    this.slotMeta = grown(new Int32Array(2 * capacity), this.slotMeta);
    this.freeSlots = grown(new Int32Array(capacity), this.freeSlots);
  }

  /** Fills the hole at `pos` with the last entry and restores heap order around it. */
  private removeAt(pos: number): void {
    const lastPos = --this.heapSize;
    if (pos === lastPos) return;
    const keys = this.keys;
    const deadline = keys[2 * lastPos];
    const sequence = keys[2 * lastPos + 1];
    const slot = this.heapSlots[lastPos];
    const parentPos = (pos - 1) >> 2;
    if (pos > 0 && before(deadline, sequence, keys[2 * parentPos], keys[2 * parentPos + 1])) {
      this.siftUp(pos, deadline, sequence, slot);
    } else {
      this.siftDown(pos, deadline, sequence, slot);
    }
  }

  /** Places (deadline, sequence, slot) at or above the hole at `pos`. */
  private siftUp(pos: number, deadline: number, sequence: number, slot: number): void {
    const keys = this.keys;
    const heapSlots = this.heapSlots;
    const slotMeta = this.slotMeta;
    while (pos > 0) {
      const parentPos = (pos - 1) >> 2;
      const pd = keys[2 * parentPos];
      if (!(deadline < pd || (deadline === pd && sequence < keys[2 * parentPos + 1]))) break;
      keys[2 * pos] = pd;
      keys[2 * pos + 1] = keys[2 * parentPos + 1];
      const parentSlot = heapSlots[parentPos];
      heapSlots[pos] = parentSlot;
      slotMeta[2 * parentSlot] = pos;
      pos = parentPos;
    }
    keys[2 * pos] = deadline;
    keys[2 * pos + 1] = sequence;
    heapSlots[pos] = slot;
    slotMeta[2 * slot] = pos;
  }

  /** Places (deadline, sequence, slot) at or below the hole at `pos`. */
  private siftDown(pos: number, deadline: number, sequence: number, slot: number): void {
    const keys = this.keys;
    const heapSlots = this.heapSlots;
    const slotMeta = this.slotMeta;
    const size = this.heapSize;
    for (;;) {
      const first = 4 * pos + 1;
      if (first >= size) break;
      const end = Math.min(first + 4, size);
      let best = first;
      let bd = keys[2 * first];
      let bs = keys[2 * first + 1];
      for (let c = first + 1; c < end; c++) {
        const cd = keys[2 * c];
        if (cd < bd || (cd === bd && keys[2 * c + 1] < bs)) {
          best = c;
          bd = cd;
          bs = keys[2 * c + 1];
        }
      }
      if (!(bd < deadline || (bd === deadline && bs < sequence))) break;
      keys[2 * pos] = bd;
      keys[2 * pos + 1] = bs;
      const childSlot = heapSlots[best];
      heapSlots[pos] = childSlot;
      slotMeta[2 * childSlot] = pos;
      pos = best;
    }
    keys[2 * pos] = deadline;
    keys[2 * pos + 1] = sequence;
    heapSlots[pos] = slot;
    slotMeta[2 * slot] = pos;
  }
}

function before(d1: number, s1: number, d2: number, s2: number): boolean {
  return d1 < d2 || (d1 === d2 && s1 < s2);
}

function grown<T extends Float64Array | Uint32Array | Int32Array>(target: T, source: T): T {
  target.set(source);
  return target;
}
