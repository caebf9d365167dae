import { readFile, rm, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import lockfile from "proper-lockfile";
import { fatalError } from "../core/errors.js";
import { logger } from "../core/logger.js";
import { currentHolder, lockHeldError, type RunLockHolder } from "./run-lock-holder.js";
import type { RunLock } from "./warehouse.js";

/** proper-lockfile refreshes the lock's mtime this often; a lock not refreshed for STALE_MS is stale. */
const UPDATE_MS = 10_000;
// Generous: a busy 2-core machine can stall the event loop for seconds during a heavy load.
const STALE_MS = 60_000;

/**
 * Who holds a lock is written beside its directory, not inside it: proper-lockfile refreshes the
 * directory's mtime and treats any other change to it as a compromised lock.
 */
const holderFile = (lockPath: string) => `${lockPath}.holder.json`;

const memoryLocks = new Map<string, RunLockHolder>();
/** Lock directories this process holds right now. */
const heldHere = new Set<string>();

/**
 * Takes a run lock beside a DuckDB file: the directory `<db>.<name>.lock` (proper-lockfile, so it
 * works across processes), with `<db>.<name>.lock.holder.json` beside it naming {pid, host,
 * command, since}.
 */
export async function acquireDuckdbLock(
  databasePath: string,
  name: string,
  command: string,
): Promise<RunLock> {
  if (databasePath === ":memory:") return acquireMemoryLock(name, command);
  const lockPath = `${databasePath}.${slug(name)}.lock`;
  const holder = currentHolder(command);
  const release = await lockOrExplain(lockPath, name, true);
  await writeFile(holderFile(lockPath), `${JSON.stringify(holder)}\n`);
  heldHere.add(lockPath);
  return {
    name,
    release: async () => {
      heldHere.delete(lockPath);
      const ours = (await readHolder(lockPath))?.pid === process.pid;
      if (ours) await rm(holderFile(lockPath), { force: true });
      await release().catch(async (error: unknown) => {
        // A compromised lock (its refresh was late) is no longer tracked by proper-lockfile;
        // if no other process has taken it over, its directory is still ours: remove it.
        logger.warn({ err: error, lock: name }, "run lock was compromised; removing it");
        if (ours) await rm(lockPath, { recursive: true, force: true });
      });
    },
  };
}

async function lockOrExplain(
  lockPath: string,
  name: string,
  mayClearDeadHolder: boolean,
): Promise<() => Promise<void>> {
  try {
    return await lockfile.lock(lockPath, {
      realpath: false,
      lockfilePath: lockPath,
      stale: STALE_MS,
      update: UPDATE_MS,
      retries: 0,
      onCompromised: (error) => logger.warn({ err: error, lock: name }, "run lock compromised"),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ELOCKED") {
      throw fatalError(`cannot create run lock ${lockPath}`, {
        cause: error,
        hint: "check that the folder of the DuckDB file is writable",
      });
    }
    const holder = await readHolder(lockPath);
    // A holder on this host whose pid is gone died without cleaning up, and one of this process
    // that it no longer holds was left by a compromised lock: no need to wait for staleness.
    const leftover =
      holder?.host === hostname() &&
      (!isAlive(holder.pid) || (holder.pid === process.pid && !heldHere.has(lockPath)));
    if (mayClearDeadHolder && leftover) {
      await rm(lockPath, { recursive: true, force: true });
      return lockOrExplain(lockPath, name, false);
    }
    throw lockHeldError(name, holder);
  }
}

async function readHolder(lockPath: string): Promise<RunLockHolder | undefined> {
  try {
    return JSON.parse(await readFile(holderFile(lockPath), "utf8")) as RunLockHolder;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function acquireMemoryLock(name: string, command: string): RunLock {
  const held = memoryLocks.get(name);
  if (held) throw lockHeldError(name, held);
  memoryLocks.set(name, currentHolder(command));
  return { name, release: async () => void memoryLocks.delete(name) };
}

function slug(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]+/g, "_");
}
