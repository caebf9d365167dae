import type { Collection, SandboxRecord } from "../../world/types.js";
import type { ApiDeps } from "../server-types.js";

/** One deletion as the delete log holds it. */
export interface LoggedDeletion {
  id: string;
  deletedMs: number;
  record: SandboxRecord;
}

/**
 * The org's delete log, which getDeleted and queryAll read. Entries leave it after about 15
 * days (`salesforceDeletedRetentionDays`), or earlier when purged: an administrator empties the
 * recycle bin, records are hard-deleted, or a log over its size limit is trimmed from the oldest.
 * `earliestDateAvailable` then moves past the purged entries, and a replicating client must notice.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_getdeleted.htm
 */
export class SalesforceDeleteLog {
  /** Per object: deletions at or before this instant were purged early. */
  readonly #purgedThrough = new Map<string, number>();

  constructor(private readonly deps: ApiDeps) {}

  /** Deletions still in the log, within `[fromMs, toMs)` when given. */
  *entries(collection: Collection, range: { fromMs?: number; toMs?: number } = {}) {
    const fromMs = Math.max(range.fromMs ?? Number.NEGATIVE_INFINITY, this.#retainedFromMs());
    const purged = this.#purgedThrough.get(collection.name) ?? Number.NEGATIVE_INFINITY;
    for (const deletion of collection.deleted({ ...range, fromMs }))
      if (deletion.deletedMs > purged) yield deletion as LoggedDeletion;
  }

  /** `earliestDateAvailable`: the newest deletion no longer in the log (the retention edge at least). */
  earliestAvailableMs(collection: Collection): number {
    const purged = this.#purgedThrough.get(collection.name) ?? Number.NEGATIVE_INFINITY;
    return Math.max(this.#retainedFromMs(), purged);
  }

  /**
   * Purges the objects' logs up to `throughMs` (whole when not given), as emptying the recycle
   * bin does; returns how many entries went.
   */
  purge(objects: readonly Collection[], throughMs = Number.POSITIVE_INFINITY): number {
    let count = 0;
    for (const collection of objects) {
      let newest = this.#purgedThrough.get(collection.name) ?? Number.NEGATIVE_INFINITY;
      for (const deletion of this.entries(collection, { toMs: throughMs + 1 })) {
        newest = Math.max(newest, deletion.deletedMs);
        count += 1;
      }
      if (Number.isFinite(newest)) this.#purgedThrough.set(collection.name, newest);
    }
    return count;
  }

  #retainedFromMs(): number {
    return this.deps.now() - this.deps.limits.salesforceDeletedRetentionDays * 86_400_000;
  }
}
