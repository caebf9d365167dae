import { SlotIndex } from "./slot-index.js";
import type { Collection, SandboxRecord, SystemName } from "./types.js";

export { compareIds } from "./slot-index.js";

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
 * An in-memory collection with a (modifiedMs, id) index and a key index (`SlotIndex`). Writes
 * are buffered and folded in on the next read, so a write followed by a read costs the sort of
 * that one batch plus an append, not a pass over a million records.
 */
export class MemoryCollection<R extends SandboxRecord = SandboxRecord> implements Collection<R> {
  readonly system: SystemName;
  readonly name: string;
  readonly primaryKey: string;
  readonly modifiedField: string;
  private readonly formatModified: (ms: number) => string;
  // One map lookup per write: ids map to slots of two parallel arrays. Slots are never reused,
  // so an index entry's slot tells whether it is still the record's current entry.
  private readonly slots = new Map<string, number>();
  private readonly slotRecords: Array<R | undefined> = [];
  private readonly slotMs: number[] = [];
  private readonly byModified = new SlotIndex(
    (ms, slot) => this.slotRecords[slot] !== undefined && this.slotMs[slot] === ms,
  );
  private readonly byKey = new SlotIndex((_ms, slot) => this.slotRecords[slot] !== undefined);
  private readonly deletions: Array<Deletion<R>> = [];
  #version = 0;

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

  /** Changes with every write: a result built at one version holds until the next. */
  get version(): number {
    return this.#version;
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
    const index = this.flushed(this.byModified);
    for (let i = index.ms.length - 1; i >= 0; i -= 1) {
      if (index.isLive(index.ms[i]!, index.slots[i]!)) return index.ms[i]!;
    }
    return 0;
  }

  *scan(range: { fromMs?: number; toMs?: number } = {}): Iterable<R> {
    const index = this.flushed(this.byModified);
    const toMs = range.toMs ?? Number.POSITIVE_INFINITY;
    const start = index.lowerBoundMs(range.fromMs ?? Number.NEGATIVE_INFINITY);
    for (let i = start; i < index.ms.length; i += 1) {
      const ms = index.ms[i]!;
      if (ms >= toMs) return;
      const slot = index.slots[i]!;
      const record = this.slotRecords[slot];
      if (record !== undefined && this.slotMs[slot] === ms) yield record;
    }
  }

  *scanByKey(range: { afterKey?: string } = {}): Iterable<R> {
    const index = this.flushed(this.byKey);
    const start = range.afterKey === undefined ? 0 : index.upperBoundId(range.afterKey);
    for (let i = start; i < index.slots.length; i += 1) {
      const record = this.slotRecords[index.slots[i]!];
      if (record !== undefined) yield record;
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
    this.#version += 1;
    this.deletions.push({ id, deletedMs: atMs, record });
    return true;
  }

  /** Drops a record without remembering a deletion (generation-time edits). */
  discard(id: string): void {
    const slot = this.slots.get(id);
    if (slot === undefined) return;
    this.slots.delete(id);
    this.slotRecords[slot] = undefined;
    this.#version += 1;
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
      this.byKey.add(0, id, slot);
    }
    this.slotRecords[slot] = record;
    this.slotMs[slot] = atMs;
    this.#version += 1;
    this.byModified.add(atMs, id, slot);
  }

  private flushed(index: SlotIndex): SlotIndex {
    index.flush(this.slots.size);
    return index;
  }
}
