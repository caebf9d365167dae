import type { SandboxRecord } from "../world/types.js";

interface Entry {
  stamp: unknown;
  text: string;
}

/**
 * Serialised record text per (record object, output shape). An upsert either stores a new
 * object or restamps the modified field, so an entry is valid while its stamp still matches.
 */
export class JsonCache {
  #shapes = new Map<string, WeakMap<SandboxRecord, Entry>>();
  #generation = 0;

  /** Forgets every text: world mutations may change a record in place within one stamp second. */
  reset(): void {
    this.#shapes = new Map();
    this.#generation += 1;
  }

  /** Changes with every `reset`: anything built from records before it may be stale. */
  get generation(): number {
    return this.#generation;
  }

  /** The record's text for `shape`, rendered by `render` when missing or stale. */
  text(
    shape: string,
    record: SandboxRecord,
    stampField: string,
    render: (record: SandboxRecord) => string,
  ): string {
    let cache = this.#shapes.get(shape);
    if (cache === undefined) {
      cache = new WeakMap();
      this.#shapes.set(shape, cache);
    }
    const stamp = record[stampField];
    const found = cache.get(record);
    if (found !== undefined && found.stamp === stamp) return found.text;
    const text = render(record);
    cache.set(record, { stamp, text });
    return text;
  }
}

/** Bounded store of materialised result sets, so page N does not re-run the query. */
export class SnapshotCache<T> {
  readonly #entries = new Map<string, { rows: T; usedAt: number }>();

  constructor(
    private readonly capacity = 16,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): T | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    entry.usedAt = this.now();
    this.#entries.set(key, entry);
    return entry.rows;
  }

  set(key: string, rows: T): void {
    this.#entries.delete(key);
    this.#entries.set(key, { rows, usedAt: this.now() });
    while (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  delete(key: string): boolean {
    return this.#entries.delete(key);
  }

  /** Entries idle longer than `ms` are dropped and reported as missing. */
  getFresh(key: string, ms: number): T | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (this.now() - entry.usedAt > ms) {
      this.#entries.delete(key);
      return undefined;
    }
    return this.get(key);
  }
}
