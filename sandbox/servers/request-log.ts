import type { SystemName } from "../world/types.js";

/** Requests counted by system, method, path and status (status 0: never answered). */
export interface RequestCount {
  system: SystemName;
  method: string;
  path: string;
  status: number;
  count: number;
}

export interface RequestFilter {
  system?: SystemName;
  method?: string;
  /** Substring of the path. */
  path?: string;
  status?: number;
}

/** Counts every API request so tests can assert retries and paging without a proxy. */
export class RequestLog {
  readonly #counts = new Map<string, RequestCount>();

  record(system: SystemName, method: string, path: string, status: number): void {
    const key = `${system} ${method} ${status} ${path}`;
    const found = this.#counts.get(key);
    if (found) found.count += 1;
    else this.#counts.set(key, { system, method, path, status, count: 1 });
  }

  /** Every counter, in first-seen order. */
  entries(filter: RequestFilter = {}): RequestCount[] {
    return [...this.#counts.values()]
      .filter((entry) => matches(entry, filter))
      .map((entry) => ({ ...entry }));
  }

  /** Total requests matching the filter. */
  count(filter: RequestFilter = {}): number {
    let total = 0;
    for (const entry of this.#counts.values()) if (matches(entry, filter)) total += entry.count;
    return total;
  }

  clear(): void {
    this.#counts.clear();
  }
}

function matches(entry: RequestCount, filter: RequestFilter): boolean {
  return (
    (filter.system === undefined || entry.system === filter.system) &&
    (filter.method === undefined || entry.method === filter.method.toUpperCase()) &&
    (filter.path === undefined || entry.path.includes(filter.path)) &&
    (filter.status === undefined || entry.status === filter.status)
  );
}

/** One write call as the vendor received it. */
export interface WriteEntry {
  seq: number;
  system: SystemName;
  method: string;
  path: string;
  body: unknown;
  /** Status answered; 0 when the fault left it unanswered. */
  status: number;
  /** Whether the write changed the sandbox's state (a fault may answer after applying it). */
  applied: boolean;
  at: string;
}

/** Append-only journal of write calls (reverse-ETL tests check "never written twice"). */
export class WriteJournal {
  readonly #entries: WriteEntry[] = [];

  record(entry: Omit<WriteEntry, "seq">): void {
    this.#entries.push({ seq: this.#entries.length + 1, ...entry });
  }

  entries(filter: { system?: SystemName; path?: string } = {}): WriteEntry[] {
    return this.#entries.filter(
      (entry) =>
        (filter.system === undefined || entry.system === filter.system) &&
        (filter.path === undefined || entry.path.includes(filter.path)),
    );
  }

  clear(): void {
    this.#entries.length = 0;
  }
}
