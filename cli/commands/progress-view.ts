import type { StreamRunResult } from "../../extractors/engine/sync-events.js";

/** One stream's line in the live sync display. */
export interface ProgressLine {
  name: string;
  state: "running" | StreamRunResult["status"];
  mode: string;
  /** Records read and handed to the warehouse. */
  read: number;
  /** Records in committed batches. */
  rows: number;
  pages: number;
  startedAt: number;
}

interface Column {
  text(line: ProgressLine, now: number): string;
  /** Columns are dropped in this order (lowest first) when a line would not fit. */
  keep: number;
}

const COLUMNS: readonly Column[] = [
  { text: (line) => line.mode, keep: 2 },
  { text: (line) => `${Math.max(line.read, line.rows)} read`, keep: 3 },
  { text: (line) => `${line.rows} committed`, keep: 4 },
  { text: (line) => `${line.pages} pages`, keep: 1 },
  { text: rate, keep: 0 },
];

const MARK = { running: "…", succeeded: "✓", failed: "✗", cancelled: "■" } as const;
/** Names are shortened (to no less than MIN_NAME, with an ellipsis) before these columns go. */
const SHORTEN_NAMES_BEFORE = 3;
const MIN_NAME = 12;

/**
 * The live display's frame for a terminal of `screen` size: no line wider than the terminal
 * (columns dropped, then names shortened) and no more lines than fit under its last row, so the
 * frame redraws in place instead of scrolling. When the streams do not fit, finished ones fold
 * into one summary line and the running ones are shown.
 */
export function renderProgress(
  lines: readonly ProgressLine[],
  screen: { columns: number; rows: number },
  now = Date.now(),
): string {
  // The cursor sits on the line below the frame; writing the last column can wrap early.
  const width = Math.max(screen.columns - 1, 20);
  const height = Math.max(screen.rows - 1, 1);
  const shown = lines.length <= height ? lines : lines.filter((line) => line.state === "running");
  const folded = lines.length - shown.length;
  const room = folded > 0 ? height - 1 : height;
  const visible = shown.length <= room ? shown : shown.slice(0, Math.max(room - 1, 0));
  const hidden = shown.length - visible.length;
  const out = table(visible, width, now);
  if (hidden > 0) out.push(`… ${hidden} more running`);
  if (folded > 0) out.push(foldedSummary(lines.filter((line) => line.state !== "running")));
  return out.map((line) => cut(line, width)).join("\n");
}

function table(lines: readonly ProgressLine[], width: number, now: number): string[] {
  if (lines.length === 0) return [];
  const cells = lines.map((line) => COLUMNS.map((column) => column.text(line, now)));
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? "").length)));
  let nameWidth = Math.max(...lines.map((line) => line.name.length));
  const kept = new Set(COLUMNS.map((_, i) => i));
  const lineWidth = () =>
    2 + nameWidth + [...kept].reduce((sum, i) => sum + 2 + (widths[i] ?? 0), 0);
  const dropOrder = COLUMNS.map((column, i) => ({ i, keep: column.keep })).sort(
    (a, b) => a.keep - b.keep,
  );
  for (const { i, keep } of dropOrder) {
    if (lineWidth() <= width) break;
    if (keep >= SHORTEN_NAMES_BEFORE && nameWidth > MIN_NAME)
      nameWidth = Math.max(MIN_NAME, nameWidth - (lineWidth() - width));
    if (lineWidth() <= width) break;
    kept.delete(i);
  }
  return lines.map((line, row) => {
    const name = cut(line.name, nameWidth).padEnd(nameWidth);
    const rest = [...kept].map((i) => {
      const cell = cells[row]?.[i] ?? "";
      // Counts align right, words (the mode) left.
      return i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0);
    });
    return [`${MARK[line.state]} ${name}`, ...rest].join("  ").trimEnd();
  });
}

function foldedSummary(finished: readonly ProgressLine[]): string {
  const count = (state: ProgressLine["state"]) =>
    finished.filter((line) => line.state === state).length;
  const rows = finished.reduce((sum, line) => sum + line.rows, 0);
  const parts = [
    `${MARK.succeeded} ${count("succeeded")} finished`,
    count("failed") > 0 ? `${MARK.failed} ${count("failed")} failed` : "",
    count("cancelled") > 0 ? `${MARK.cancelled} ${count("cancelled")} stopped` : "",
    `${rows} rows committed`,
  ];
  return parts.filter((part) => part !== "").join("  ");
}

function rate(line: ProgressLine, now: number): string {
  if (line.state !== "running") return "";
  const seconds = Math.max((now - line.startedAt) / 1000, 0.001);
  return `${Math.round(Math.max(line.read, line.rows) / seconds)} rows/s`;
}

function cut(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(width - 1, 0))}…`;
}
