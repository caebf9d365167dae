import { DuckDBInstance } from "@duckdb/node-api";
import { fatalError, type PslinkError, transientError } from "../core/errors.js";

interface Shared {
  instance: Promise<DuckDBInstance>;
  users: number;
}

/**
 * One DuckDB instance per file per process. DuckDB's file lock is per process, so a second
 * instance on the same file in this process would not be refused and could corrupt it.
 */
const instances = new Map<string, Shared>();

/** Opens (or shares) the instance for `path`; pair every call with `releaseInstance`. */
export async function openInstance(
  path: string,
  options: Record<string, string>,
): Promise<DuckDBInstance> {
  if (path === ":memory:") return DuckDBInstance.create(path, options);
  let shared = instances.get(path);
  if (!shared) {
    shared = { instance: DuckDBInstance.create(path, options), users: 0 };
    instances.set(path, shared);
  }
  shared.users += 1;
  try {
    return await shared.instance;
  } catch (error) {
    instances.delete(path);
    throw explainOpenError(path, error);
  }
}

/** Drops one use of the instance; the file is closed (and free for other processes) at zero. */
export function releaseInstance(path: string, instance: DuckDBInstance): void {
  const shared = instances.get(path);
  if (shared) {
    shared.users -= 1;
    if (shared.users > 0) return;
    instances.delete(path);
  }
  instance.closeSync();
}

const HELD_BY = /Could not set lock on file .*?(?:held in (.*?) )?\(PID (\d+)\)/s;

function explainOpenError(path: string, error: unknown): PslinkError {
  const message = error instanceof Error ? error.message : String(error);
  const held = HELD_BY.exec(message);
  if (held) {
    const pid = Number(held[2]);
    const program = held[1] ? `, ${held[1]}` : "";
    return transientError(
      `the DuckDB file ${path} is in use by another process (pid ${pid}${program}); DuckDB allows one process per file`,
      {
        cause: error,
        hint: `stop that process (kill ${pid}) or wait for it to finish; for a warehouse several processes share, use PostgreSQL (warehouse.kind: postgres)`,
        details: { lock: true, pid, path },
      },
    );
  }
  return fatalError(`cannot open the DuckDB file ${path}: ${message}`, {
    cause: error,
    hint: "check warehouse.path in pslink.yml and that its folder is writable",
  });
}
