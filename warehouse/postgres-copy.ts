import { once } from "node:events";
import { finished } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { fatalError, PslinkError, transientError } from "../core/errors.js";
import { isConnectionLoss, pgLimitHint } from "./postgres-connect.js";
import { csvEncoderFor } from "./postgres-values.js";
import { quoteIdentifier } from "./sql-values.js";
import type { ColumnSpec, TableName } from "./warehouse.js";

type Rows = Iterable<readonly unknown[]> | AsyncIterable<readonly unknown[]>;

/** Rows are written to the COPY stream in chunks of about this many characters. */
const CHUNK_CHARS = 1 << 20;

/**
 * Streams rows into a table with `COPY ... FROM STDIN (format csv)` on one client. One COPY is one
 * statement, so the append is all-or-nothing.
 */
export async function copyRows(
  client: pg.PoolClient | pg.Client,
  table: TableName,
  columns: readonly ColumnSpec[],
  rows: Rows,
): Promise<number> {
  const target = `${quoteIdentifier(table.schema)}.${quoteIdentifier(table.table)}`;
  const list = columns.map((column) => quoteIdentifier(column.name)).join(", ");
  const stream = client.query(copyFrom(`copy ${target} (${list}) from stdin with (format csv)`));
  // The stream fails on its own when the connection does (a server restart), by an `error` event
  // that neither marks it destroyed nor ends it: heard from the start, so that the event never
  // goes unheard and nothing waits for a drain or a finish that cannot come.
  let lost: Error | undefined;
  const failed = new Promise<never>((_, reject) =>
    stream.once("error", (error: Error) => {
      lost = error;
      reject(error);
    }),
  );
  failed.catch(() => undefined);
  const encoders = columns.map((column) => csvEncoderFor(column.type));
  let count = 0;
  let chunk = "";
  const encodeRow = (row: readonly unknown[]) => {
    if (row.length !== columns.length) {
      throw fatalError(
        `row ${count + 1} for ${table.schema}.${table.table} has ${row.length} values, expected ${columns.length}`,
      );
    }
    for (let i = 0; i < encoders.length; i += 1) {
      const value = row[i];
      if (i > 0) chunk += ",";
      if (value !== null && value !== undefined)
        chunk += (encoders[i] as (v: unknown) => string)(value);
    }
    chunk += "\n";
    count += 1;
  };
  const flush = async () => {
    if (lost) throw lost;
    if (!stream.write(chunk)) await Promise.race([once(stream, "drain"), failed]);
    chunk = "";
  };
  try {
    if (Symbol.iterator in rows) {
      for (const row of rows) {
        encodeRow(row);
        if (chunk.length >= CHUNK_CHARS) await flush();
      }
    } else {
      for await (const row of rows) {
        encodeRow(row);
        if (chunk.length >= CHUNK_CHARS) await flush();
      }
    }
    if (chunk.length > 0) await flush();
    stream.end();
    await Promise.race([finished(stream), failed]);
    return count;
  } catch (error) {
    if (!lost) {
      // Destroying the stream makes the driver send CopyFail, so the server discards the rows.
      stream.destroy(error instanceof Error ? error : new Error(String(error)));
      await finished(stream).catch(() => undefined);
    }
    if (error instanceof PslinkError) throw error;
    if (isConnectionLoss(lost) || isConnectionLoss(error)) {
      throw transientError(`COPY into ${table.schema}.${table.table} failed: ${describe(error)}`, {
        cause: error,
        hint: "the connection to PostgreSQL was lost; run again once it is back",
      });
    }
    throw fatalError(`COPY into ${table.schema}.${table.table} failed: ${describe(error)}`, {
      cause: error,
      hint:
        pgLimitHint(error) ?? "check the values against the table's column types and constraints",
    });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
