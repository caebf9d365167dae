import { setTimeout as sleep } from "node:timers/promises";
import { PslinkError, transientError } from "../core/errors.js";
import type { SqlExecutor, TableName, Warehouse } from "./warehouse.js";

/**
 * How long a statement that takes a relation for itself may wait for the sessions reading it
 * (PostgreSQL): each attempt at most `attemptMs`, attempts until `budgetMs` have passed.
 */
export interface LockWait {
  readonly attemptMs: number;
  readonly budgetMs: number;
}

/** Readers queue behind a waiting statement for at most 2 s at a time; it gives up after 2 min. */
export const DEFAULT_LOCK_WAIT: LockWait = { attemptMs: 2_000, budgetMs: 120_000 };

/**
 * Runs a transaction that takes `relation` for itself (dropping, renaming, replacing or altering
 * it) without holding up the queries that read it for long. PostgreSQL grants that lock only once
 * every query reading the relation has ended, and queues each reader that comes after the request
 * behind it: a dashboard's long query would otherwise stall every other reader until it ended,
 * and the statement itself would wait without end. So each attempt waits at most `attemptMs`
 * (`lock_timeout`), readers go on between attempts (0.5, 1, 2, 4, 8 s apart), and after
 * `budgetMs` the error names the sessions holding the relation, which keeps what it held. DuckDB
 * has no other sessions: one attempt.
 */
export async function takeRelation<T>(
  warehouse: Warehouse,
  relation: TableName,
  work: (tx: SqlExecutor) => Promise<T>,
  options: {
    readonly lockWait?: LockWait | undefined;
    /** What was not done, for the error: `its new build was not put in place`. */
    readonly undone: string;
  },
): Promise<T> {
  const { lockWait = DEFAULT_LOCK_WAIT, undone } = options;
  if (warehouse.kind !== "postgres") return warehouse.transaction(work);
  const deadline = Date.now() + lockWait.budgetMs;
  const timeout = Math.max(1, Math.round(lockWait.attemptMs));
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await warehouse.transaction(async (tx) => {
        await tx.execute(`set local lock_timeout = ${timeout}`);
        return work(tx);
      });
    } catch (error) {
      if (!lockWaitRanOut(error)) throw error;
      const left = deadline - Date.now();
      if (left <= 0) throw await heldError(warehouse, relation, lockWait, undone, error);
      await sleep(Math.min(left, 500 * 2 ** Math.min(attempt - 1, 4)));
    }
  }
}

/** Whether `error` is PostgreSQL's `lock_not_available`: a `lock_timeout` ran out. */
export function lockWaitRanOut(error: unknown): error is PslinkError {
  return error instanceof PslinkError && error.details?.code === "55P03";
}

type Holder = {
  pid: number;
  usename: string | null;
  application_name: string;
  state: string | null;
  seconds: number | null;
};

/** The error for a relation other sessions held through the whole lock wait, naming them. */
async function heldError(
  warehouse: Warehouse,
  relation: TableName,
  lockWait: LockWait,
  undone: string,
  cause: PslinkError,
): Promise<PslinkError> {
  const holders = await warehouse
    .query<Holder>(
      `select a.pid, a.usename, a.application_name, a.state,
              floor(extract(epoch from now() - coalesce(a.xact_start, a.query_start)))::int as seconds
         from pg_locks l join pg_stat_activity a on a.pid = l.pid
        where l.relation = to_regclass($1) and l.granted and a.pid <> pg_backend_pid()
        order by a.pid`,
      [warehouse.qualified(relation)],
    )
    .catch(() => [] as Holder[]);
  const named = holders.map((holder) => `pid ${holder.pid} (${describe(holder)})`);
  return transientError(
    `${relation.schema}.${relation.table} stayed in use by other sessions for ${Math.round(lockWait.budgetMs / 1000)} s, so ${undone}${named.length > 0 ? `: ${named.join("; ")}` : ""}`,
    {
      cause,
      hint: "it keeps what it held. Queries or open transactions read it (a BI tool's, an analyst's): run again once they end, or end them (SELECT pg_cancel_backend(<pid>), or pg_terminate_backend for a session idle in a transaction)",
      details: { holders: holders.map((holder) => holder.pid) },
    },
  );
}

function describe({ usename, application_name, state, seconds }: Holder): string {
  const during =
    state === null ? undefined : `${state}${seconds === null ? "" : ` for ${seconds} s`}`;
  return [usename && `user ${usename}`, application_name && `"${application_name}"`, during]
    .filter(Boolean)
    .join(", ");
}
