import type { StreamRunResult } from "../extractors/engine/sync-events.js";
import { type TextColumn, textTable } from "./text-table.js";

/** One stream's outcome in a run, as the sync summary and `pslink runs show` print it. */
export interface StreamResultRow {
  stream: string;
  /** How the stream read its source (full or incremental). */
  mode?: string;
  newRows: number;
  changedRows: number;
  deletedRows: number;
  quarantinedRows: number;
  pages: number;
  requests: number;
  durationMs: number;
  /** Where the next run starts (before its lookback), ISO-8601; null: no cursor yet. */
  cursor: string | null;
  status: string;
  error?: string | null;
}

/** A sync's per-stream results as rows of the table. */
export function resultRow(result: StreamRunResult): StreamResultRow {
  return {
    ...result,
    stream: `${result.system}.${result.stream}`,
    cursor: result.cursorAfter === null ? null : new Date(result.cursorAfter).toISOString(),
    error: result.error?.message,
  };
}

/** The per-stream table: counts, pages, requests, seconds, cursor, status (and errors if asked). */
export function streamResultsTable(
  rows: readonly StreamResultRow[],
  options: { errors?: boolean } = {},
): string {
  const right = "right" as const;
  const columns: TextColumn<StreamResultRow>[] = [
    { header: "stream", value: (s) => s.stream },
    ...(rows.some((s) => s.mode !== undefined)
      ? [{ header: "mode", value: (s: StreamResultRow) => s.mode }]
      : []),
    { header: "new", value: (s) => s.newRows, align: right },
    { header: "changed", value: (s) => s.changedRows, align: right },
    { header: "deleted", value: (s) => s.deletedRows, align: right },
    { header: "quarantined", value: (s) => s.quarantinedRows, align: right },
    { header: "pages", value: (s) => s.pages, align: right },
    { header: "requests", value: (s) => s.requests, align: right },
    { header: "seconds", value: (s) => (s.durationMs / 1000).toFixed(1), align: right },
    { header: "cursor", value: (s) => s.cursor ?? "-" },
    { header: "status", value: (s) => s.status },
  ];
  if (options.errors)
    columns.push({ header: "error", value: (s) => s.error?.split("\n")[0]?.slice(0, 80) });
  return textTable(rows, columns);
}
