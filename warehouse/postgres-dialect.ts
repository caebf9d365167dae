import { setTimeout } from "node:timers/promises";
import pg from "pg";
import { assertNever, fatalError, PslinkError, transientError } from "../core/errors.js";
import { logger } from "../core/logger.js";
import {
  connectionError,
  isConnectionLoss,
  KEEP_IDLE_SESSION_SQL,
  type PostgresConnection,
  pgErrorFields,
  pgLimitHint,
} from "./postgres-connect.js";
import { copyRows } from "./postgres-copy.js";
import { acquirePostgresLock } from "./postgres-run-lock.js";
import { postgresParams } from "./postgres-values.js";
import { quoteIdentifier } from "./sql-values.js";
import type {
  ColumnSpec,
  ColumnType,
  Row,
  RunLock,
  Session,
  SqlExecutor,
  TableName,
  Warehouse,
} from "./warehouse.js";

type Rows = Iterable<readonly unknown[]> | AsyncIterable<readonly unknown[]>;
type Queryable = pg.Pool | pg.PoolClient;

/** Opens a PostgreSQL warehouse on a pool and checks that it can connect. */
export async function openPostgresWarehouse(
  connection: PostgresConnection,
  poolSize: number,
): Promise<Warehouse> {
  const pool = new pg.Pool({
    ...connection.client,
    max: poolSize,
    // Awaited before the pool hands a new client out: a statement sent while another runs on
    // the same client is deprecated in pg 8 (a warning on every command) and refused in pg 9.
    onConnect: async (client) => {
      await client.query(KEEP_IDLE_SESSION_SQL);
    },
  });
  // pg reports a lost connection (a restart, a failover) as `error` events on the client,
  // sometimes two (the server's message, then the socket's end); the pool re-emits an idle
  // client's. An event nobody hears ends the process, and the pool and its `query` listen only at
  // times, while a batch holds its client between statements: so every client keeps one listener
  // for its whole life, the one that logs. pg then refuses the client's statements (the caller
  // fails with a transient error) and the pool discards it when it comes back.
  pool.on("error", () => undefined);
  pool.on("connect", (client) => {
    client.on("error", (error) =>
      logger.warn({ error: pgErrorFields(error) }, "PostgreSQL connection lost"),
    );
  });
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw connectionError(error, connection.target);
  }
  return new PostgresWarehouse(connection, pool);
}

/** Statements on the pool, or on the one client of a transaction. */
class PostgresExecutor implements SqlExecutor {
  /** Cleared when a transaction ends: its client is back in the pool, serving someone else. */
  open = true;

  constructor(protected readonly db: Queryable) {}

  async execute(sql: string, params: readonly unknown[] = []): Promise<void> {
    await this.query(sql, params);
  }

  async query<T extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    this.#assertOpen();
    // The protocol counts parameters in 16 bits: more would reach the server as a garbled bind.
    if (params.length > MAX_PARAMETERS) {
      throw fatalError(
        `a statement with ${params.length} parameters: PostgreSQL takes at most ${MAX_PARAMETERS}`,
        { hint: "pass long lists in chunks (queryInChunks in warehouse/sql-values.ts)" },
      );
    }
    const run = () =>
      // Without parameters the simple protocol runs, which allows several statements at once.
      params.length > 0 ? this.db.query<T>(sql, postgresParams(params)) : this.db.query<T>(sql);
    try {
      const result = await this.#onAnyClient(run);
      // A multi-statement string yields one result per statement; the last one is the answer.
      const last = Array.isArray(result) ? (result.at(-1) as pg.QueryResult<T>) : result;
      return last?.rows ?? [];
    } catch (error) {
      throw sqlError(error, sql);
    }
  }

  async append(table: TableName, columns: readonly ColumnSpec[], rows: Rows): Promise<number> {
    this.#assertOpen();
    if (this.db instanceof pg.Pool) {
      const client = await this.db.connect();
      try {
        return await copyRows(client, table, columns, rows);
      } finally {
        client.release();
      }
    }
    return copyRows(this.db, table, columns, rows);
  }

  /**
   * Runs a statement; on the pool, again on another client while the one it had lost its
   * connection. The pool may hand out idle clients whose connections were cut a moment ago (a
   * server restart cuts them all; the pool drops each once it hears). A statement on the pool
   * runs alone, so the server rolls it back when its connection is cut, unless its answer was
   * already on the way. A server that stays down fails each new connection too, and the error
   * stands after one try per pool slot.
   */
  async #onAnyClient<R>(run: () => Promise<R>): Promise<R> {
    const tries = this.db instanceof pg.Pool ? (this.db.options.max ?? 10) + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (error) {
        if (attempt >= tries || !isConnectionLoss(error)) throw error;
        // A restarting server refuses connections for a moment: 0.25, 0.5, 1, 2, 2… seconds.
        await setTimeout(Math.min(250 * 2 ** (attempt - 1), 2_000));
      }
    }
  }

  #assertOpen(): void {
    if (!this.open) {
      throw fatalError(
        "this executor is no longer usable: its transaction ended or the warehouse was closed",
      );
    }
  }
}

class PostgresWarehouse extends PostgresExecutor implements Warehouse {
  readonly kind = "postgres" as const;

  constructor(
    private readonly connection: PostgresConnection,
    private readonly pool: pg.Pool,
  ) {
    super(pool);
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.session((session) => session.transaction(fn));
  }

  async session<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    const client = await this.pool.connect().catch((error: unknown) => {
      throw connectionError(error, this.connection.target);
    });
    let broken: Error | undefined;
    const transaction = async <U>(work: (tx: SqlExecutor) => Promise<U>): Promise<U> => {
      if (broken) throw fatalError("this session's connection failed to roll back");
      const tx = new PostgresExecutor(client);
      try {
        await tx.execute("begin");
        const result = await work(tx);
        tx.open = false;
        await client.query("commit").catch((error: unknown) => {
          throw sqlError(error, "commit");
        });
        return result;
      } catch (error) {
        tx.open = false;
        await client.query("rollback").catch((rollbackError: unknown) => {
          broken =
            rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        });
        throw error;
      }
    };
    try {
      return await fn({ transaction, scratchTransaction: transaction });
    } finally {
      // A client whose rollback failed is discarded rather than handed to the next caller.
      client.release(broken);
    }
  }

  bulkLoad<T>(fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  acquireLock(name: string, holder: string): Promise<RunLock> {
    return acquirePostgresLock(this.connection, name, holder);
  }

  quote(identifier: string): string {
    return quoteIdentifier(identifier);
  }

  qualified(table: TableName): string {
    return `${quoteIdentifier(table.schema)}.${quoteIdentifier(table.table)}`;
  }

  sqlType(type: ColumnType): string {
    return postgresType(type);
  }

  async close(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    await this.pool.end();
  }
}

/** PostgreSQL's SQL type for a column type. */
export function postgresType(type: ColumnType): string {
  switch (type) {
    case "text":
      return "text";
    case "integer":
      return "integer";
    case "bigint":
      return "bigint";
    case "double":
      return "double precision";
    case "decimal":
      return "numeric";
    case "boolean":
      return "boolean";
    case "date":
      return "date";
    case "timestamp":
      return "timestamptz";
    case "json":
      return "jsonb";
    default:
      return assertNever(type, "column type");
  }
}

/** SQLSTATE classes worth retrying: connection loss, serialization failures, shutdowns. */
const TRANSIENT = /^(08|40001|40P01|53|57P0)/;

/** Bind parameters PostgreSQL's protocol allows in one statement. */
const MAX_PARAMETERS = 65_535;

function sqlError(error: unknown, sql: string): PslinkError {
  if (error instanceof PslinkError) return error;
  const code = (error as { code?: string }).code ?? "";
  const message = error instanceof Error ? error.message : String(error);
  const options = { cause: error, details: { code, sql: sql.slice(0, 500) } };
  if (isConnectionLoss(error)) {
    return transientError(`PostgreSQL: ${message}`, {
      ...options,
      hint: "the connection to PostgreSQL was lost (a restart, a failover, the network): run again once it is back; what was committed stays",
    });
  }
  const hint = pgLimitHint(error);
  const described = hint ? { ...options, hint } : options;
  return TRANSIENT.test(code)
    ? transientError(`PostgreSQL: ${message}`, described)
    : fatalError(`PostgreSQL: ${message}`, described);
}
