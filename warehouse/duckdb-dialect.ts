import { AsyncLocalStorage } from "node:async_hooks";
import { availableParallelism } from "node:os";
import type { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import PQueue from "p-queue";
import { assertNever, fatalError, type PslinkError } from "../core/errors.js";
import { logger } from "../core/logger.js";
import { appendRows } from "./duckdb-append.js";
import { type CheckpointGate, checkpointGate } from "./duckdb-checkpoints.js";
import { duckdbSqlError, isInvalidated } from "./duckdb-errors.js";
import { openInstance, releaseInstance, reopenInstance } from "./duckdb-instances.js";
import { acquireDuckdbLock } from "./duckdb-run-lock.js";
import { columnConverter, duckdbParams } from "./duckdb-values.js";
import { SerialQueue } from "./serial-queue.js";
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

export interface DuckdbWarehouseOptions {
  /** Absolute path of the database file, or `:memory:`. */
  path: string;
  threads?: number;
  memoryLimit?: string;
  /** WAL size that triggers a checkpoint (default `CHECKPOINT_WAL_BYTES`). */
  checkpointWalBytes?: number;
  /**
   * Statements run at once over all the warehouse's connections; more wait their turn. Default:
   * one per core. During a sync each statement runs on one thread, so more at once only share
   * the cores, while each holds working memory DuckDB cannot spill (a group's JSON parsed, the
   * segments it appends to): together they could pass a `memory_limit` that one per core fits.
   */
  statementsAtOnce?: number;
}

type Rows = Iterable<readonly unknown[]> | AsyncIterable<readonly unknown[]>;

/** Which warehouse's transaction callback the current async context runs in. */
const insideTransaction = new AsyncLocalStorage<DuckdbWarehouse>();

/** Opens a DuckDB warehouse: one instance per file per process, one connection per warehouse. */
export async function openDuckdbWarehouse(options: DuckdbWarehouseOptions): Promise<Warehouse> {
  const settings: Record<string, string> = {};
  if (options.threads !== undefined) settings.threads = String(options.threads);
  if (options.memoryLimit !== undefined) settings.memory_limit = options.memoryLimit;
  const instance = await openInstance(options.path, settings);
  return new DuckdbWarehouse(options, settings, instance, await connectUtc(instance));
}

/**
 * Sessions (and transactions) that may run at once, each on its own connection: two per stream
 * of the four systems syncing side by side. A held connection mostly waits for its stream's pages.
 */
const SESSION_CONNECTIONS = 8;

async function connectUtc(instance: DuckDBInstance): Promise<DuckDBConnection> {
  const connection = await instance.connect();
  // Sessions run in UTC so that timestamp <-> text casts agree with PostgreSQL's (ICU may be absent).
  await connection.run("set TimeZone = 'UTC'").catch(() => undefined);
  return connection;
}

/** Runs statements on one DuckDB connection; also the executor handed to transaction callbacks. */
class DuckdbExecutor implements SqlExecutor {
  constructor(
    protected readonly connection: DuckDBConnection,
    protected readonly slots: PQueue,
  ) {}

  async execute(sql: string, params: readonly unknown[] = []): Promise<void> {
    try {
      await this.slots.add(
        () => this.connection.run(sql, params.length > 0 ? duckdbParams(params) : undefined),
        { throwOnTimeout: true },
      );
    } catch (error) {
      throw duckdbSqlError(error, sql);
    }
  }

  async query<T extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    try {
      const reader = await this.slots.add(
        () =>
          this.connection.runAndReadAll(sql, params.length > 0 ? duckdbParams(params) : undefined),
        { throwOnTimeout: true },
      );
      const types = reader.columnTypes();
      const fields = reader.columnNames().map((name, i) => ({
        name,
        convert: columnConverter(types[i] as (typeof types)[number]),
      }));
      return reader.getRows().map((values) => {
        const row: Row = {};
        fields.forEach((field, i) => {
          row[field.name] = field.convert(values[i] ?? null);
        });
        return row as T;
      });
    } catch (error) {
      throw duckdbSqlError(error, sql);
    }
  }

  append(table: TableName, columns: readonly ColumnSpec[], rows: Rows): Promise<number> {
    return appendRows(this.connection, table, columns, rows);
  }
}

/** The executor of one transaction: statements run one at a time and only while it is open. */
class DuckdbTransaction extends DuckdbExecutor {
  readonly #queue = new SerialQueue();
  open = true;

  override execute(sql: string, params?: readonly unknown[]): Promise<void> {
    return this.#guard(() => super.execute(sql, params));
  }

  override query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    return this.#guard(() => super.query<T>(sql, params));
  }

  override append(table: TableName, columns: readonly ColumnSpec[], rows: Rows): Promise<number> {
    return this.#guard(() => super.append(table, columns, rows));
  }

  #guard<T>(task: () => Promise<T>): Promise<T> {
    return this.#queue.run(() => {
      if (!this.open) throw fatalError("this transaction has already ended");
      return task();
    });
  }
}

class DuckdbWarehouse implements Warehouse {
  readonly kind = "duckdb" as const;
  readonly #queue = new SerialQueue();
  #direct: DuckdbExecutor;
  /**
   * Transactions and sessions run on their own connections, up to SESSION_CONNECTIONS at once:
   * a stream holds one for the batch it stages and one for the batch it lands, and the four
   * systems' streams run side by side. DuckDB runs a batch's statements on one thread, so
   * connections are what put more cores to work.
   */
  readonly #connections = new PQueue({ concurrency: SESSION_CONNECTIONS });
  readonly #slots: PQueue;
  readonly #idle: DuckDBConnection[] = [];
  readonly #opened: DuckDBConnection[] = [];
  #gate: CheckpointGate;
  /** Bulk loads running; DuckDB runs one thread per statement while there are any. */
  #bulkLoads = 0;
  #closed = false;

  readonly path: string;
  readonly threadsConfigured: boolean;

  constructor(
    private readonly options: DuckdbWarehouseOptions,
    private readonly settings: Record<string, string>,
    private instance: DuckDBInstance,
    private connection: DuckDBConnection,
  ) {
    this.path = options.path;
    this.threadsConfigured = options.threads !== undefined;
    this.#slots = new PQueue({ concurrency: options.statementsAtOnce ?? availableParallelism() });
    this.#direct = new DuckdbExecutor(connection, this.#slots);
    this.#gate = checkpointGate(instance, options.path, options.checkpointWalBytes);
  }

  async execute(sql: string, params?: readonly unknown[]): Promise<void> {
    await this.#exclusive(() => this.#direct.execute(sql, params));
    await this.#afterCommit();
  }

  query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    return this.#exclusive(() => this.#direct.query<T>(sql, params));
  }

  /** Outside a transaction an append is still all-or-nothing, as a COPY is on PostgreSQL. */
  append(table: TableName, columns: readonly ColumnSpec[], rows: Rows): Promise<number> {
    return this.transaction((tx) => tx.append(table, columns, rows));
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.session((session) => session.transaction(fn));
  }

  session<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    if (insideTransaction.getStore() === this) return Promise.reject(misusedWarehouse());
    return this.#connections.add(
      async () => {
        if (this.#closed) throw fatalError("the DuckDB warehouse is closed");
        const connection = this.#idle.pop() ?? (await this.#connect());
        try {
          return await fn({
            transaction: (work) => this.#transactionOn(connection, work),
            scratchTransaction: (work) => this.#transactionOn(connection, work, true),
          });
        } finally {
          this.#idle.push(connection);
        }
      },
      { throwOnTimeout: true },
    );
  }

  /**
   * Runs `fn` in a transaction on `connection`. A scratch transaction touches no permanent
   * table, so it neither waits for a checkpoint nor holds one up (DuckDB checkpoints the file
   * while transactions on temporary tables are open): batches shred while the file checkpoints.
   */
  async #transactionOn<T>(
    connection: DuckDBConnection,
    fn: (tx: SqlExecutor) => Promise<T>,
    scratch = false,
  ): Promise<T> {
    const run = async () => {
      const tx = new DuckdbTransaction(connection, this.#slots);
      try {
        await tx.execute("begin transaction");
        const value = await insideTransaction.run(this, () => fn(tx));
        tx.open = false;
        await new DuckdbExecutor(connection, this.#slots).execute("commit");
        return value;
      } catch (error) {
        tx.open = false;
        await connection.run("rollback").catch(() => undefined);
        throw error;
      }
    };
    if (scratch) return run();
    const result = await this.#gate.pass(run);
    await this.#afterCommit();
    return result;
  }

  /** Checkpoints once the WAL has grown past the threshold (see `CheckpointGate`). */
  #afterCommit(): Promise<void> {
    return this.#gate.afterCommit(async () => {
      // Nothing on a permanent table is running: that work passes the gate, which has drained
      // (scratch transactions may be open; DuckDB checkpoints the file all the same).
      await this.connection.run("checkpoint").catch((error: unknown) => {
        // The commit stands; DuckDB checkpoints again at a later commit or at close.
        logger.debug({ err: error }, "DuckDB checkpoint skipped");
      });
    });
  }

  /**
   * Measured on two cores (full sync of the medium sandbox): about a fifth less CPU with one
   * thread per statement than with DuckDB's default of one per core (docs/benchmarks.md).
   */
  async bulkLoad<T>(fn: () => Promise<T>): Promise<T> {
    if (this.threadsConfigured) return fn();
    if (this.#bulkLoads++ === 0) await this.execute("set threads = 1");
    try {
      return await fn();
    } finally {
      // A warehouse that cannot take `reset threads` (DuckDB invalidated it) fails its next
      // statement with the same error: the load's own outcome is what the caller needs.
      if (--this.#bulkLoads === 0 && !this.#closed)
        await this.execute("reset threads").catch((error: unknown) => {
          logger.debug({ err: error }, "DuckDB reset threads failed");
        });
    }
  }

  async #connect(): Promise<DuckDBConnection> {
    const connection = await connectUtc(this.instance);
    this.#opened.push(connection);
    return connection;
  }

  acquireLock(name: string, holder: string): Promise<RunLock> {
    return acquireDuckdbLock(this.path, name, holder);
  }

  quote(identifier: string): string {
    return quoteIdentifier(identifier);
  }

  qualified(table: TableName): string {
    return `${quoteIdentifier(table.schema)}.${quoteIdentifier(table.table)}`;
  }

  sqlType(type: ColumnType): string {
    return duckdbType(type);
  }

  /**
   * Opens the file again when DuckDB invalidated it: after a fatal error (memory or disk running
   * out in a checkpoint or a rollback) every statement fails until the process opens the file
   * anew, and the WAL's committed transactions are replayed then. For a long-running host
   * between runs: nothing may use the warehouse meanwhile. Resolves true when it reopened.
   */
  reopenIfInvalidated(): Promise<boolean> {
    return this.#queue.run(async () => {
      if (this.#closed || this.path === ":memory:") return false;
      const invalidated = await this.connection.run("select 1").then(
        () => false,
        (error: unknown) => isInvalidated(error instanceof Error ? error.message : String(error)),
      );
      if (!invalidated) return false;
      await this.#connections.onIdle();
      for (const connection of this.#opened) connection.closeSync();
      this.#opened.length = 0;
      this.#idle.length = 0;
      this.connection.closeSync();
      this.instance = await reopenInstance(this.path, this.instance, this.settings);
      this.connection = await connectUtc(this.instance);
      this.#direct = new DuckdbExecutor(this.connection, this.#slots);
      this.#gate = checkpointGate(this.instance, this.path, this.options.checkpointWalBytes);
      return true;
    });
  }

  close(): Promise<void> {
    return this.#queue.run(async () => {
      if (this.#closed) return;
      this.#closed = true;
      await this.#connections.onIdle();
      for (const connection of this.#opened) connection.closeSync();
      this.connection.closeSync();
      releaseInstance(this.path, this.instance);
    });
  }

  /** Every statement waits its turn on the one connection, so transactions never interleave. */
  #exclusive<T>(task: () => Promise<T>): Promise<T> {
    if (insideTransaction.getStore() === this) return Promise.reject(misusedWarehouse());
    return this.#gate.pass(() =>
      this.#queue.run(() => {
        if (this.#closed) throw fatalError("the DuckDB warehouse is closed");
        return task();
      }),
    );
  }
}

function misusedWarehouse(): PslinkError {
  return fatalError("a DuckDB transaction callback used the warehouse instead of its `tx`", {
    hint: "inside warehouse.transaction(fn), run statements through the executor passed to fn",
  });
}

/** DuckDB's SQL type for a column type. */
export function duckdbType(type: ColumnType): string {
  switch (type) {
    case "text":
      return "varchar";
    case "integer":
      return "integer";
    case "bigint":
      return "bigint";
    case "double":
      return "double";
    case "decimal":
      return "decimal(38, 9)";
    case "boolean":
      return "boolean";
    case "date":
      return "date";
    case "timestamp":
      return "timestamptz";
    case "json":
      return "json";
    default:
      return assertNever(type, "column type");
  }
}
