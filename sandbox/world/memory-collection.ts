import type { Collection, SandboxRecord, SystemName } from "./types.js";

const DIGITS = /^\d+$/;

/** Orders ids numerically when both are digit strings, otherwise as plain strings. */
export function compareIds(a: string, b: string): number {
  if (DIGITS.test(a) && DIGITS.test(b) && a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface CollectionSpec {
  system: SystemName;
  name: string;
  primaryKey: string;
  modifiedField: string;
  /** Renders a modified time in the vendor's format. */
  formatModified: (ms: number) => string;
}

interface Deletion<R> {
  id: string;
  deletedMs: number;
  record: R;
}

/**
 * An in-memory collection with a (modifiedMs, id) index and a key index. Writes go to small
 * pending buffers merged into the sorted indexes on the next read, so bulk loads and mutation
 * batches cost one sort of the new entries plus a linear merge, never a full sort per scan.
 */
export class MemoryCollection<R extends SandboxRecord = SandboxRecord> implements Collection<R> {
  readonly system: SystemName;
  readonly name: string;
  readonly primaryKey: string;
  readonly modifiedField: string;
  private readonly formatModified: (ms: number) => string;
  // One map lookup per write: ids map to slots of two parallel arrays.
  private readonly slots = new Map<string, number>();
  private readonly slotRecords: Array<R | undefined> = [];
  private readonly slotMs: number[] = [];
  private idxMs: number[] = [];
  private idxIds: string[] = [];
  private pendingMs: number[] = [];
  private pendingIds: string[] = [];
  private keys: string[] = [];
  private pendingKeys: string[] = [];
  private readonly deletions: Array<Deletion<R>> = [];

  constructor(spec: CollectionSpec) {
    this.system = spec.system;
    this.name = spec.name;
    this.primaryKey = spec.primaryKey;
    this.modifiedField = spec.modifiedField;
    this.formatModified = spec.formatModified;
  }

  get size(): number {
    return this.slots.size;
  }

  get(id: string): R | undefined {
    const slot = this.slots.get(id);
    return slot === undefined ? undefined : this.slotRecords[slot];
  }

  /** The record's indexed modified time in epoch ms. */
  modifiedMs(id: string): number | undefined {
    const slot = this.slots.get(id);
    return slot === undefined ? undefined : this.slotMs[slot];
  }

  /** Largest modified time over live records (0 when empty). */
  maxModifiedMs(): number {
    this.flush();
    for (let i = this.idxMs.length - 1; i >= 0; i -= 1) {
      if (this.isLive(this.idxMs[i]!, this.idxIds[i]!)) return this.idxMs[i]!;
    }
    return 0;
  }

  *scan(range: { fromMs?: number; toMs?: number } = {}): Iterable<R> {
    this.flush();
    const ms = this.idxMs;
    const ids = this.idxIds;
    const toMs = range.toMs ?? Number.POSITIVE_INFINITY;
    for (let i = lowerBound(ms, range.fromMs ?? Number.NEGATIVE_INFINITY); i < ms.length; i += 1) {
      if (ms[i]! >= toMs) return;
      const record = this.liveRecord(ms[i]!, ids[i]!);
      if (record) yield record;
    }
  }

  *scanByKey(range: { afterKey?: string } = {}): Iterable<R> {
    this.flushKeys();
    const keys = this.keys;
    let start = 0;
    if (range.afterKey !== undefined) {
      const after = range.afterKey;
      let lo = 0;
      let hi = keys.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (compareIds(keys[mid]!, after) <= 0) lo = mid + 1;
        else hi = mid;
      }
      start = lo;
    }
    for (let i = start; i < keys.length; i += 1) {
      const record = this.get(keys[i]!);
      if (record) yield record;
    }
  }

  upsert(record: R, atMs: number): void {
    const id = String(record[this.primaryKey]);
    (record as SandboxRecord)[this.modifiedField] = this.formatModified(atMs);
    this.put(id, record, atMs);
  }

  /** Stores a record whose modified field is already set (bulk generation). */
  load(record: R, atMs: number): void {
    this.put(String(record[this.primaryKey]), record, atMs);
  }

  remove(id: string, atMs: number): boolean {
    const slot = this.slots.get(id);
    const record = slot === undefined ? undefined : this.slotRecords[slot];
    if (slot === undefined || !record) return false;
    this.slots.delete(id);
    this.slotRecords[slot] = undefined;
    this.deletions.push({ id, deletedMs: atMs, record });
    return true;
  }

  /** Drops a record without remembering a deletion (generation-time edits). */
  discard(id: string): void {
    const slot = this.slots.get(id);
    if (slot === undefined) return;
    this.slots.delete(id);
    this.slotRecords[slot] = undefined;
  }

  *deleted(range: { fromMs?: number; toMs?: number } = {}): Iterable<Deletion<R>> {
    const from = range.fromMs ?? Number.NEGATIVE_INFINITY;
    const to = range.toMs ?? Number.POSITIVE_INFINITY;
    for (const deletion of this.deletions) {
      if (deletion.deletedMs >= from && deletion.deletedMs < to) yield deletion;
    }
  }

  private put(id: string, record: R, atMs: number): void {
    let slot = this.slots.get(id);
    if (slot === undefined) {
      slot = this.slotRecords.length;
      this.slots.set(id, slot);
      this.pendingKeys.push(id);
    }
    this.slotRecords[slot] = record;
    this.slotMs[slot] = atMs;
    this.pendingMs.push(atMs);
    this.pendingIds.push(id);
  }

  private isLive(ms: number, id: string): boolean {
    const slot = this.slots.get(id);
    return slot !== undefined && this.slotMs[slot] === ms;
  }

  private liveRecord(ms: number, id: string): R | undefined {
    const slot = this.slots.get(id);
    return slot !== undefined && this.slotMs[slot] === ms ? this.slotRecords[slot] : undefined;
  }

  private flush(): void {
    if (this.pendingMs.length === 0) return;
    const pms = this.pendingMs;
    const pids = this.pendingIds;
    const order = Array.from(pms, (_, i) => i).sort(
      (a, b) => pms[a]! - pms[b]! || compareIds(pids[a]!, pids[b]!),
    );
    const add = order.map((i) => ({ ms: pms[i]!, id: pids[i]! }));
    this.pendingMs = [];
    this.pendingIds = [];
    const ms: number[] = [];
    const ids: string[] = [];
    let i = 0;
    let j = 0;
    const push = (m: number, id: string) => {
      const last = ms.length - 1;
      // Entries whose record moved on are dropped here; equal neighbours are duplicates.
      if (!this.isLive(m, id) || (last >= 0 && ms[last] === m && ids[last] === id)) return;
      ms.push(m);
      ids.push(id);
    };
    while (i < this.idxMs.length || j < add.length) {
      const takeOld =
        j >= add.length ||
        (i < this.idxMs.length &&
          (this.idxMs[i]! - add[j]!.ms || compareIds(this.idxIds[i]!, add[j]!.id)) <= 0);
      if (takeOld) {
        push(this.idxMs[i]!, this.idxIds[i]!);
        i += 1;
      } else {
        push(add[j]!.ms, add[j]!.id);
        j += 1;
      }
    }
    this.idxMs = ms;
    this.idxIds = ids;
  }

  private flushKeys(): void {
    if (this.pendingKeys.length === 0 && this.keys.length === this.slots.size) return;
    const merged = this.keys.concat(this.pendingKeys).filter((key) => this.slots.has(key));
    merged.sort(compareIds);
    this.keys = merged.filter((key, i) => i === 0 || merged[i - 1] !== key);
    this.pendingKeys = [];
  }
}

function lowerBound(values: number[], target: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
