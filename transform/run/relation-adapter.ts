import { setTimeout as sleep } from "node:timers/promises";
import { PslinkError, transientError } from "../../core/errors.js";
import type { SqlExecutor, Warehouse } from "../../warehouse/warehouse.js";

/** What a relation is in the warehouse right now. */
export type RelationKind = "table" | "view";

/**
 * How long putting a model's new build in place may wait for the sessions reading it
 * (PostgreSQL): each attempt at most `attemptMs`, attempts until `budgetMs` have passed.
 */
export interface LockWait {
  readonly attemptMs: number;
  readonly budgetMs: number;
}

/** Readers queue behind a waiting swap for at most 2 s at a time; a build gives up after 2 min. */
export const DEFAULT_LOCK_WAIT: LockWait = { attemptMs: 2_000, budgetMs: 120_000 };

/**
 * The SQL the materialisations need beyond a model's own. DuckDB and PostgreSQL agree on all
 * of it (information_schema, `drop … cascade`, `alter table … rename`, `delete … using`), so
 * it is written once here; where they differ (replacing a view whose columns changed), the
 * caller falls back to the statement both accept.
 */
export class RelationAdapter {
  constructor(
    private readonly warehouse: Warehouse,
    private readonly lockWait: LockWait = DEFAULT_LOCK_WAIT,
  ) {}

  /**
   * Runs a transaction that takes a model's relation for itself (dropping, renaming or replacing
   * it) without holding up the queries that read it for long. PostgreSQL grants that lock only
   * once every query reading the relation has ended, and queues each reader that comes after the
   * request behind it: a dashboard's long query would otherwise stall every other reader until
   * it ended. So each attempt waits at most `attemptMs` (`lock_timeout`), readers go on between
   * attempts, and after `budgetMs` the error names the sessions holding the relation; the
   * relation keeps its previous build. DuckDB has no other sessions: one attempt.
   */
  async exclusively<T>(
    schema: string,
    name: string,
    work: (tx: SqlExecutor) => Promise<T>,
  ): Promise<T> {
    if (this.warehouse.kind !== "postgres") return this.warehouse.transaction(work);
    const deadline = Date.now() + this.lockWait.budgetMs;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.warehouse.transaction(async (tx) => {
          await tx.execute(
            `set local lock_timeout = ${Math.max(1, Math.round(this.lockWait.attemptMs))}`,
          );
          return work(tx);
        });
      } catch (error) {
        if (!(error instanceof PslinkError && error.details?.code === "55P03")) throw error;
        const left = deadline - Date.now();
        if (left <= 0) throw await this.#heldError(schema, name, error);
        await sleep(Math.min(left, 500 * 2 ** Math.min(attempt - 1, 4)));
      }
    }
  }

  /** The error for a relation other sessions held through the whole lock wait, naming them. */
  async #heldError(schema: string, name: string, cause: PslinkError): Promise<PslinkError> {
    const holders = await this.warehouse
      .query<{
        pid: number;
        usename: string | null;
        application_name: string;
        state: string | null;
        seconds: number | null;
      }>(
        `select a.pid, a.usename, a.application_name, a.state,
                floor(extract(epoch from now() - coalesce(a.xact_start, a.query_start)))::int as seconds
           from pg_locks l join pg_stat_activity a on a.pid = l.pid
          where l.relation = to_regclass($1) and l.granted and a.pid <> pg_backend_pid()
          order by a.pid`,
        [this.qualified(schema, name)],
      )
      .catch(() => []);
    const named = holders.map(
      (h) =>
        `pid ${h.pid} (${[h.usename && `user ${h.usename}`, h.application_name && `"${h.application_name}"`, h.state && `${h.state}${h.seconds === null ? "" : ` for ${h.seconds} s`}`].filter(Boolean).join(", ")})`,
    );
    return transientError(
      `${schema}.${name} stayed in use by other sessions for ${Math.round(this.lockWait.budgetMs / 1000)} s, so its new build was not put in place${named.length > 0 ? `: ${named.join("; ")}` : ""}`,
      {
        cause,
        hint: "it keeps its previous build. Queries or open transactions read it (a BI tool's, an analyst's): build again once they end, or end them (SELECT pg_cancel_backend(<pid>), or pg_terminate_backend for a session idle in a transaction)",
        details: { holders: holders.map((h) => h.pid) },
      },
    );
  }

  qualified(schema: string, name: string): string {
    return this.warehouse.qualified({ schema, table: name });
  }

  async kindOf(
    executor: SqlExecutor,
    schema: string,
    name: string,
  ): Promise<RelationKind | undefined> {
    const rows = await executor.query<{ table_type: string }>(
      `select table_type from information_schema.tables
        where table_catalog = current_database() and table_schema = $1 and table_name = $2`,
      [schema, name],
    );
    const type = rows[0]?.table_type;
    if (type === undefined) return undefined;
    return type === "VIEW" ? "view" : "table";
  }

  async columns(executor: SqlExecutor, schema: string, name: string): Promise<string[]> {
    const rows = await executor.query<{ column_name: string }>(
      `select column_name from information_schema.columns
        where table_catalog = current_database() and table_schema = $1 and table_name = $2
        order by ordinal_position`,
      [schema, name],
    );
    return rows.map((row) => row.column_name);
  }

  async createSchema(executor: SqlExecutor, schema: string): Promise<void> {
    await executor.execute(`create schema if not exists ${this.warehouse.quote(schema)}`);
  }

  async drop(
    executor: SqlExecutor,
    kind: RelationKind,
    schema: string,
    name: string,
  ): Promise<void> {
    await executor.execute(`drop ${kind} if exists ${this.qualified(schema, name)} cascade`);
  }

  async rename(executor: SqlExecutor, schema: string, from: string, to: string): Promise<void> {
    await executor.execute(
      `alter table ${this.qualified(schema, from)} rename to ${this.warehouse.quote(to)}`,
    );
  }

  async count(executor: SqlExecutor, schema: string, name: string): Promise<number> {
    const rows = await executor.query<{ n: unknown }>(
      `select count(*) as n from ${this.qualified(schema, name)}`,
    );
    return Number(rows[0]?.n ?? 0);
  }

  quote(identifier: string): string {
    return this.warehouse.quote(identifier);
  }
}
