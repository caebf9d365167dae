const DIGITS = /^\d+$/;

/** Orders ids numerically when both are digit strings, otherwise as plain strings. */
export function compareIds(a: string, b: string): number {
  // Equal lengths order the same either way, so the digit test runs only when lengths differ.
  if (a.length !== b.length && DIGITS.test(a) && DIGITS.test(b)) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** First position of ascending `values` whose value is ≥ `value`. */
export function lowerBound(values: readonly number[], value: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((values[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Dead entries tolerated before a compaction pass. */
const MIN_DEAD = 64;

/**
 * A sorted list of (ms, id, slot) entries ordered by (ms, id), with a write buffer. Reads follow
 * `slot` straight to the record, with no map lookup. A flush sorts only the buffered entries and
 * appends them when they sort after the list (writes stamped now, ids from a counter), else
 * merges. Entries whose record moved on or went away stay, skipped by `isLive`, until they are a
 * quarter of the list; then one pass drops them.
 */
export class SlotIndex {
  ms: number[] = [];
  ids: string[] = [];
  slots: number[] = [];
  private pendingMs: number[] = [];
  private pendingIds: string[] = [];
  private pendingSlots: number[] = [];

  constructor(readonly isLive: (ms: number, slot: number) => boolean) {}

  add(ms: number, id: string, slot: number): void {
    this.pendingMs.push(ms);
    this.pendingIds.push(id);
    this.pendingSlots.push(slot);
  }

  /** Folds buffered entries in; `liveCount` is how many entries are live once they are. */
  flush(liveCount: number): void {
    if (this.pendingMs.length > 0) {
      const pms = this.pendingMs;
      const pids = this.pendingIds;
      const pslots = this.pendingSlots;
      this.pendingMs = [];
      this.pendingIds = [];
      this.pendingSlots = [];
      const order = Array.from(pms, (_, i) => i).sort(
        (a, b) => pms[a]! - pms[b]! || compareIds(pids[a]!, pids[b]!),
      );
      const last = this.ms.length - 1;
      const first = order[0]!;
      if (
        last < 0 ||
        (this.ms[last]! - pms[first]! || compareIds(this.ids[last]!, pids[first]!)) <= 0
      ) {
        for (const i of order) this.push(this, pms[i]!, pids[i]!, pslots[i]!);
      } else {
        this.merge(
          order.map((i) => pms[i]!),
          order.map((i) => pids[i]!),
          order.map((i) => pslots[i]!),
        );
      }
    }
    const dead = this.ms.length - liveCount;
    if (dead > MIN_DEAD && dead * 4 > this.ms.length) this.merge([], [], []);
  }

  /** First position whose ms is ≥ `ms`. */
  lowerBoundMs(ms: number): number {
    return lowerBound(this.ms, ms);
  }

  /** First position whose id sorts after `id` (for an index whose ms are all equal). */
  upperBoundId(id: string): number {
    let lo = 0;
    let hi = this.ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareIds(this.ids[mid]!, id) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Rebuilds the list from itself and sorted additions, live entries only. */
  private merge(addMs: number[], addIds: string[], addSlots: number[]): void {
    const out = { ms: [] as number[], ids: [] as string[], slots: [] as number[] };
    let i = 0;
    let j = 0;
    while (i < this.ms.length || j < addMs.length) {
      const takeOld =
        j >= addMs.length ||
        (i < this.ms.length &&
          (this.ms[i]! - addMs[j]! || compareIds(this.ids[i]!, addIds[j]!)) <= 0);
      if (takeOld) {
        this.push(out, this.ms[i]!, this.ids[i]!, this.slots[i]!);
        i += 1;
      } else {
        this.push(out, addMs[j]!, addIds[j]!, addSlots[j]!);
        j += 1;
      }
    }
    this.ms = out.ms;
    this.ids = out.ids;
    this.slots = out.slots;
  }

  private push(to: Pick<SlotIndex, "ms" | "ids" | "slots">, ms: number, id: string, slot: number) {
    const last = to.ms.length - 1;
    // Superseded entries are dropped; the same write seen twice is kept once.
    if (!this.isLive(ms, slot) || (last >= 0 && to.ms[last] === ms && to.slots[last] === slot))
      return;
    to.ms.push(ms);
    to.ids.push(id);
    to.slots.push(slot);
  }
}
