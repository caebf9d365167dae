/**
 * The one small interface every warehouse dialect implements (DuckDB, PostgreSQL).
 * SQL uses `$1, $2, …` placeholders on both dialects.
 */
export type WarehouseKind = "duckdb" | "postgres";

/** A row from `query`: column → JS value, normalised alike on both dialects (docs/warehouse.md). */
export type Row = Record<string, unknown>;

/** A schema-qualified table name. */
export interface TableName {
  schema: string;
  table: string;
}

/** Column types the engine creates tables with; each dialect maps them to its own SQL type. */
export type ColumnType =
  | "text"
  | "integer"
  | "bigint"
  | "double"
  | "decimal"
  | "boolean"
  | "date"
  | "timestamp"
  | "json";

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  nullable?: boolean;
  /**
   * Nearly every value differs from the others (a single-column key, a content hash, a record's
   * JSON): DuckDB then stores the column with FSST straight away instead of also trying a
   * dictionary on every row group it writes (`columnDefinitions`).
   */
  distinct?: boolean;
  /**
   * Long texts written once and read once (a page as received): PostgreSQL stores them
   * uncompressed (`storage external`), since compressing every page cost more than the space
   * saved in a scratch table emptied after each batch.
   */
  uncompressed?: boolean;
}

/** Statements usable inside and outside a transaction. */
export interface SqlExecutor {
  /** Runs a statement (or several, without parameters) and discards results. */
  execute(sql: string, params?: readonly unknown[]): Promise<void>;
  /** Runs a query and returns all rows as plain objects. */
  query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /**
   * Bulk-appends rows (values in `columns` order) to an existing table: DuckDB's appender,
   * PostgreSQL's COPY FROM STDIN. Returns the number of rows written.
   */
  append(
    table: TableName,
    columns: readonly ColumnSpec[],
    rows: Iterable<readonly unknown[]> | AsyncIterable<readonly unknown[]>,
  ): Promise<number>;
}

/** A held run lock; release it when the run ends (it is also released when the process dies). */
export interface RunLock {
  readonly name: string;
  /**
   * Aborted when the lock is gone before its release: PostgreSQL frees a session lock with its
   * connection, so a lost connection means another run may now take it. (A DuckDB lock lasts as
   * long as the process.)
   */
  readonly lost?: AbortSignal;
  release(): Promise<void>;
}

/** Runs transactions one after another on one connection. */
export interface TransactionRunner {
  /** Runs `fn` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}

/** One held connection (`Warehouse.session`). */
export interface Session extends TransactionRunner {
  /**
   * Like `transaction`, for work on temporary tables only (a batch's staging): DuckDB may
   * checkpoint while it runs. `fn` must not read or write a permanent table.
   */
  scratchTransaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}

export interface Warehouse extends SqlExecutor, TransactionRunner {
  readonly kind: WarehouseKind;
  /**
   * Runs `fn` holding one connection throughout: its transactions run on it one after another
   * and share its temporary tables (a batch is staged in one transaction, merged in the next).
   */
  session<T>(fn: (session: Session) => Promise<T>): Promise<T>;
  /**
   * Takes the named run lock without waiting; throws a `transient` PslinkError naming the holder
   * (pid, host, command, since) when another process holds it.
   */
  acquireLock(name: string, holder: string): Promise<RunLock>;
  /**
   * Runs `fn`, a bulk load: several streams' batches at once, each a handful of statements.
   * Meanwhile DuckDB gives each statement one thread (unless `warehouse.threads` is set): the
   * overlapping batches keep the cores busy, and idle parallel workers only cost CPU.
   * PostgreSQL runs `fn` as it is.
   */
  bulkLoad<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * For a long-running host, between runs (nothing may use the warehouse meanwhile): opens the
   * database again when it stopped serving this handle, as DuckDB does after a fatal error;
   * resolves true when it did. PostgreSQL's pool replaces lost connections on its own.
   */
  reopenIfInvalidated?(): Promise<boolean>;
  /** Quotes an identifier for this dialect. */
  quote(identifier: string): string;
  /** `schema.table`, both parts quoted. */
  qualified(table: TableName): string;
  /** The SQL type this dialect uses for a column type. */
  sqlType(type: ColumnType): string;
  close(): Promise<void>;
}
