import { dirname } from "node:path";
import { fatalError, PslinkError, transientError } from "../core/errors.js";

/** A DuckDB statement's failure as pslink reports it: what it means for the run, and what to do. */
export function duckdbSqlError(error: unknown, sql: string): PslinkError {
  if (error instanceof PslinkError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const options = { cause: error, details: { sql: sql.slice(0, 500) } };
  // Write-write conflicts between connections clear once the other transaction ends.
  if (/conflict/i.test(message) && /transaction/i.test(message)) {
    return transientError(`DuckDB: ${message}`, options);
  }
  const hint = duckdbHint(message);
  if (hint) {
    // DuckDB's own text stays in the details, not in the cause chain the terminal prints.
    const said = message.replace(DUCKDB_ADVICE, "").trim();
    return fatalError(`DuckDB: ${said}`, {
      details: { ...options.details, duckdb: message },
      hint,
    });
  }
  return fatalError(`DuckDB: ${message}`, options);
}

/** DuckDB's advice after an out-of-memory error names SQL settings; pslink's are in pslink.yml. */
const DUCKDB_ADVICE = /\n*Possible solutions:\n(?:\* [^\n]*\n)+\n?See also \S+/g;
const OUT_OF_MEMORY = /Out of Memory Error|failed to (?:allocate|pin) .*\bused\)/i;
const DISK_FULL = /No space left on device|Disk quota exceeded/i;
const WRITTEN_FILE = /Could not write (?:to )?file "([^"]+)"/i;
const INVALIDATED = /database has been invalidated/i;

/** Whether DuckDB stopped using the database after a fatal error (it must be opened again). */
export function isInvalidated(message: string): boolean {
  return INVALIDATED.test(message);
}

/**
 * What to do after DuckDB ran out of memory or disk space. Either is fatal to DuckDB in a
 * rollback or a checkpoint: it stops using the file for the rest of the process, and every
 * statement after it fails with "database has been invalidated". What was committed stays: the
 * WAL is replayed when the file is opened again.
 */
export function duckdbHint(message: string): string | undefined {
  const memory =
    'raise warehouse.memory_limit in pslink.yml or remove it (DuckDB may then use up to 80% of RAM): a sync needs room for a batch of each stream it runs at once, a build for its largest model (docs/warehouse.md, "DuckDB\'s memory")';
  const file = WRITTEN_FILE.exec(message)?.[1];
  const disk = `free space on the disk that holds ${file ? dirname(file) : "the warehouse file"} (or move warehouse.path to a larger one): DuckDB writes its file, WAL and temporary files there`;
  if (isInvalidated(message)) {
    const cause = OUT_OF_MEMORY.test(message)
      ? `: it ran out of memory; ${memory}`
      : DISK_FULL.test(message)
        ? `: the disk is full; ${disk}`
        : "";
    return `DuckDB stopped using the warehouse after a fatal error in this run${cause}. Nothing committed is lost: run again, and each stream goes on from its last committed batch`;
  }
  const rolledBack =
    "what the failed transaction wrote was rolled back (a sync's batch is read again by the next run)";
  if (OUT_OF_MEMORY.test(message)) return `${memory}; ${rolledBack}`;
  if (DISK_FULL.test(message)) return `${disk}; ${rolledBack}`;
  return undefined;
}
