import { stat } from "node:fs/promises";
import type { DuckDBInstance } from "@duckdb/node-api";

/**
 * WAL size past which a checkpoint runs. At DuckDB's own threshold (16 MiB) the large sandbox's
 * full sync took 91.6 s instead of 68.3 s without the gate (each checkpoint rewrites the tables'
 * last, partly filled row groups); at 64 MiB it took 66.3 s and peak RSS fell from 1,693 to
 * 1,333 MiB. 256 MiB cut the checkpoints' own time (4 taking 5.6 s instead of 14–20 taking
 * 13–16 s) but not the run's, and raised peak RSS by 60–260 MiB (`docs/benchmarks.md`).
 */
export const CHECKPOINT_WAL_BYTES = 64 * 1024 * 1024;

/**
 * Checkpoints a DuckDB file while it is written over several connections.
 *
 * DuckDB checkpoints on commit only when no other transaction is open. A pipelined sync always
 * has one open (a batch is staged while the one before it lands, and streams run side by side),
 * so the WAL grew to the size of the whole load (234 MB for the medium sandbox) and every row
 * not yet checkpointed stayed in memory: the process grew with the data.
 *
 * Every statement and transaction on permanent tables passes the gate. After a commit takes
 * the WAL past the threshold, new work waits at the gate, the open transactions finish, one
 * CHECKPOINT runs, and the waiting work goes on. Nothing open ever waits for the gate, so it
 * cannot deadlock. Scratch transactions (temporary tables only, a batch's staging) bypass it:
 * DuckDB checkpoints the file while they are open, so batches keep shredding meanwhile.
 */
export class CheckpointGate {
  readonly #walPath: string | null;
  readonly #thresholdBytes: number;
  #active = 0;
  #drained: (() => void) | undefined;
  #checkpoint: Promise<void> | undefined;

  /** `databasePath` null: an in-memory database, which has no WAL and never checkpoints. */
  constructor(databasePath: string | null, thresholdBytes = CHECKPOINT_WAL_BYTES) {
    this.#walPath = databasePath === null ? null : `${databasePath}.wal`;
    this.#thresholdBytes = thresholdBytes;
  }

  /** Runs `work` (one statement or one transaction) once no checkpoint is pending. */
  async pass<T>(work: () => Promise<T>): Promise<T> {
    while (this.#checkpoint) await this.#checkpoint;
    this.#active += 1;
    try {
      return await work();
    } finally {
      this.#active -= 1;
      if (this.#active === 0) this.#drained?.();
    }
  }

  /**
   * After a commit (outside the gate): when the WAL has passed the threshold, checkpoints with
   * `run` once the open work has finished. Concurrent callers share one checkpoint.
   */
  async afterCommit(run: () => Promise<void>): Promise<void> {
    if (this.#walPath === null) return;
    if (this.#checkpoint) return this.#checkpoint;
    const walBytes = await stat(this.#walPath).then(
      (stats) => stats.size,
      () => 0,
    );
    if (walBytes < this.#thresholdBytes || this.#checkpoint) return this.#checkpoint;
    this.#checkpoint = (async () => {
      try {
        if (this.#active > 0) await new Promise<void>((resolve) => (this.#drained = resolve));
        await run();
      } finally {
        this.#drained = undefined;
        this.#checkpoint = undefined;
      }
    })();
    return this.#checkpoint;
  }
}

const gates = new WeakMap<DuckDBInstance, CheckpointGate>();

/** The gate of an instance, shared by every warehouse open on it (the first opener's threshold holds). */
export function checkpointGate(
  instance: DuckDBInstance,
  path: string,
  thresholdBytes = CHECKPOINT_WAL_BYTES,
): CheckpointGate {
  let gate = gates.get(instance);
  if (!gate) {
    gate = new CheckpointGate(path === ":memory:" ? null : path, thresholdBytes);
    gates.set(instance, gate);
  }
  return gate;
}
