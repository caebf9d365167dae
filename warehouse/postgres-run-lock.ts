import pg from "pg";
import { logger } from "../core/logger.js";
import { LOCK_SPACE } from "./advisory-locks.js";
import {
  connectionError,
  KEEP_IDLE_SESSION_SQL,
  type PostgresConnection,
  pgErrorFields,
} from "./postgres-connect.js";
import { currentHolder, lockHeldError, type RunLockHolder } from "./run-lock-holder.js";
import type { RunLock } from "./warehouse.js";

/** PostgreSQL truncates application_name to 63 bytes. */
const NAME_LIMIT = 63;
const HOLDER_NAME = /^pslink-lock (\d+)@(\S+) ?(.*)$/;

/**
 * Takes a session advisory lock on a dedicated connection kept open for the lock's life: the
 * server frees it when that connection ends, so a killed process never leaves it behind. The
 * connection's application_name records the holder for whoever is refused.
 */
export async function acquirePostgresLock(
  connection: PostgresConnection,
  name: string,
  command: string,
): Promise<RunLock> {
  const holder = currentHolder(command);
  const client = new pg.Client({ ...connection.client, application_name: applicationName(holder) });
  const lost = new AbortController();
  client.on("error", (error) => {
    logger.warn({ error: pgErrorFields(error), lock: name }, "run lock connection lost");
    lost.abort(
      new Error(
        `the ${name} lock's connection to PostgreSQL was lost (${pgErrorFields(error).message}), and the lock with it`,
      ),
    );
  });
  try {
    await client.connect();
    await client.query(KEEP_IDLE_SESSION_SQL);
  } catch (error) {
    await client.end().catch(() => undefined);
    throw connectionError(error, connection.target);
  }
  let found: RunLockHolder | undefined;
  try {
    const taken = await client.query<{ ok: boolean }>(
      "select pg_try_advisory_lock($1, hashtext($2)) as ok",
      [LOCK_SPACE, name],
    );
    if (taken.rows[0]?.ok) return heldLock(client, name, lost.signal);
    found = await findHolder(client, name);
  } catch (error) {
    await client.end().catch(() => undefined);
    throw connectionError(error, connection.target);
  }
  await client.end().catch(() => undefined);
  throw lockHeldError(name, found);
}

function heldLock(client: pg.Client, name: string, lost: AbortSignal): RunLock {
  let released = false;
  return {
    name,
    lost,
    release: async () => {
      if (released) return;
      released = true;
      // A session lock ends with its connection: when the unlock cannot be sent (the connection
      // was lost, and the lock with it), ending the client is all that is left to do.
      await client
        .query("select pg_advisory_unlock($1, hashtext($2))", [LOCK_SPACE, name])
        .catch((error: unknown) =>
          logger.warn(
            { error: pgErrorFields(error), lock: name },
            "run lock not released by unlock",
          ),
        );
      await client.end().catch(() => undefined);
    },
  };
}

function applicationName(holder: RunLockHolder): string {
  return Buffer.from(`pslink-lock ${holder.pid}@${holder.host} ${holder.command}`)
    .subarray(0, NAME_LIMIT)
    .toString("utf8")
    .replace(/\uFFFD$/, "");
}

async function findHolder(client: pg.Client, name: string): Promise<RunLockHolder | undefined> {
  const result = await client.query<{ application_name: string; backend_start: Date }>(
    `select a.application_name, a.backend_start
       from pg_locks l
       join pg_stat_activity a on a.pid = l.pid
      where l.locktype = 'advisory' and l.granted and l.objsubid = 2
        and l.database = (select oid from pg_database where datname = current_database())
        and l.classid::bigint = $1 and l.objid::bigint = (hashtext($2)::bigint & 4294967295)`,
    [LOCK_SPACE, name],
  );
  const row = result.rows[0];
  if (!row) return undefined;
  const match = HOLDER_NAME.exec(row.application_name);
  return {
    pid: match ? Number(match[1]) : 0,
    host: match?.[2] ?? "unknown host",
    command: match?.[3] || row.application_name || "unknown command",
    since: row.backend_start.toISOString(),
  };
}
