import { hostname } from "node:os";
import { type PslinkError, transientError } from "../core/errors.js";

/** Who holds a run lock; recorded by the holder so that a refused caller can name it. */
export interface RunLockHolder {
  pid: number;
  host: string;
  command: string;
  /** ISO-8601 time the lock was taken. */
  since: string;
}

/** The holder record for this process. */
export function currentHolder(command: string): RunLockHolder {
  return { pid: process.pid, host: hostname(), command, since: new Date().toISOString() };
}

/** The error for a lock another process holds: transient (retry later), `details.lock = true`. */
export function lockHeldError(name: string, holder: RunLockHolder | undefined): PslinkError {
  const who = holder
    ? `pid ${holder.pid} on ${holder.host} (${holder.command}) since ${holder.since}`
    : "another process (it has not recorded itself yet)";
  return transientError(`run lock "${name}" is held by ${who}`, {
    hint: "wait for that run to finish, or stop that process if it is stuck; the lock frees itself when it exits",
    details: { lock: true, name, holder },
  });
}
