import { readFileSync } from "node:fs";
import { extname, join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { configError, fatalError, PslinkError, transientError } from "../core/errors.js";

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
    shared = { instance: createFileInstance(path, options), users: 0 };
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

/**
 * Opens the file as DuckDB's own database. DuckDB opens an existing `.json`, `.csv` or `.parquet`
 * file as data in an in-memory database instead, where every sync would "succeed" and nothing
 * would be saved: such an instance (no file path behind its database) is refused.
 */
async function createFileInstance(
  path: string,
  options: Record<string, string>,
): Promise<DuckDBInstance> {
  const instance = await DuckDBInstance.create(path, options);
  const connection = await instance.connect();
  let file: unknown;
  try {
    const reader = await connection.runAndReadAll(
      "select path from duckdb_databases() where database_name = current_database()",
    );
    file = reader.getRows()[0]?.[0];
  } finally {
    connection.closeSync();
  }
  if (file !== null && file !== undefined) return instance;
  instance.closeSync();
  throw configError(
    `warehouse.path ${path} is a data file (${extname(path) || "no extension"}), not a DuckDB database: DuckDB would read it as data and keep the warehouse in memory, so nothing would be saved`,
    {
      hint: "set warehouse.path in pslink.yml to a DuckDB file, e.g. warehouse.duckdb (pslink creates it); pslink never writes over a file it cannot read",
    },
  );
}

/** Drops one use of the instance; the file is closed (and free for other processes) at zero. */
export function releaseInstance(path: string, instance: DuckDBInstance): void {
  if (retired.has(instance)) {
    releaseRetired(instance);
    return;
  }
  const shared = instances.get(path);
  if (shared) {
    shared.users -= 1;
    if (shared.users > 0) return;
    instances.delete(path);
  }
  instance.closeSync();
}

/**
 * Replaces an instance DuckDB invalidated: the file is opened anew for this user, and later
 * opens share the new instance. Other users of the old one keep it until they reopen or close
 * (each of its statements fails meanwhile); it is closed with its last user.
 */
export async function reopenInstance(
  path: string,
  old: DuckDBInstance,
  options: Record<string, string>,
): Promise<DuckDBInstance> {
  const shared = instances.get(path);
  if (shared && (await shared.instance.catch(() => undefined)) === old) {
    shared.users -= 1;
    if (shared.users === 0) old.closeSync();
    else retired.set(old, shared.users);
    instances.delete(path);
  } else {
    releaseRetired(old);
  }
  return openInstance(path, options);
}

/** Invalidated instances still in use by other handles, with their user count. */
const retired = new Map<DuckDBInstance, number>();

function releaseRetired(instance: DuckDBInstance): void {
  const users = (retired.get(instance) ?? 1) - 1;
  if (users > 0) {
    retired.set(instance, users);
    return;
  }
  retired.delete(instance);
  instance.closeSync();
}

/** A process's command line (Linux `/proc`), from the script node runs; none elsewhere. */
function commandLine(pid: number): string | undefined {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    const shown = /(^|\/)node$/.test(args[0] ?? "") ? args.slice(1) : args;
    const [script = "", ...rest] = shown;
    return [script.replace(/^.*\//, ""), ...rest].join(" ").trim() || undefined;
  } catch {
    return undefined;
  }
}

const HELD_BY = /Could not set lock on file .*?(?:held in (.*?) )?\(PID (\d+)\)/s;

function explainOpenError(path: string, error: unknown): PslinkError {
  if (error instanceof PslinkError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const held = HELD_BY.exec(message);
  if (held) {
    const pid = Number(held[2]);
    const command = commandLine(pid);
    const shown = command && command.length > 160 ? `${command.slice(0, 157)}...` : command;
    const program = shown ? `: ${shown}` : held[1] ? `, ${held[1]}` : "";
    // The scheduler holds the file for as long as it runs: waiting for it would not help.
    const scheduler =
      command !== undefined && /\bschedule\b/.test(command) && !/--once\b/.test(command);
    return transientError(
      `the DuckDB file ${path} is in use by another process (pid ${pid}${program}); DuckDB allows one process per file`,
      {
        cause: error,
        hint: scheduler
          ? `that is \`pslink schedule\`, which holds the file while it runs: stop it (kill ${pid}; it ends its current run first), run the command, then start it again; or share the warehouse through PostgreSQL (warehouse.kind: postgres)`
          : `stop that process (kill ${pid}) or wait for it to finish; for a warehouse several processes share, use PostgreSQL (warehouse.kind: postgres)`,
        details: { lock: true, pid, path, ...(command ? { command } : {}) },
      },
    );
  }
  if (/Is a directory/.test(message))
    return configError(`warehouse.path ${path} is a folder, not a DuckDB file`, {
      cause: error,
      hint: `set warehouse.path in pslink.yml to a file, e.g. ${join(path, "warehouse.duckdb")} (pslink creates it)`,
    });
  if (/not a valid DuckDB database file/.test(message))
    return configError(`warehouse.path ${path} is a file but not a DuckDB database`, {
      cause: error,
      hint: "set warehouse.path in pslink.yml to a DuckDB warehouse, or to a new file (pslink creates it); pslink never writes over a file it cannot read",
    });
  return fatalError(`cannot open the DuckDB file ${path}: ${message}`, {
    cause: error,
    hint: "check warehouse.path in pslink.yml and that its folder is writable",
  });
}
