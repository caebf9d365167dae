import { createLogUpdate } from "log-update";
import { describeError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import type { StreamRunResult, SyncEvent } from "../../extractors/engine/sync-events.js";
import type { RunSummary } from "../../extractors/sync-sources.js";
import { type ProgressLine, renderProgress } from "./progress-view.js";

/** The terminal the live display draws on (a TTY stream; its size is read on every redraw). */
export interface ProgressTerminal {
  write(text: string): unknown;
  readonly columns?: number;
  readonly rows?: number;
  readonly isTTY?: boolean;
}

/** Sync progress for one run: fed the run's events, told when the run is over. */
export interface SyncProgress {
  onEvent(event: SyncEvent): void;
  /** The run's outcome: one `run finished` log line (structured logs only). */
  finished(summary: RunSummary): void;
  /** Draws the last frame and gives the cursor back; idempotent. */
  stop(): void;
}

/**
 * Renders sync progress: on a terminal a live table redrawn in place (rows, pages, rate per
 * stream, fitted to the terminal's size); elsewhere one structured log line per event, through
 * `logger` (which carries the run id).
 */
export function syncProgress(logger: Logger, terminal?: ProgressTerminal): SyncProgress {
  const lines = new Map<string, ProgressLine>();
  const screen = terminal && sized(terminal);
  const update = screen ? createLogUpdate(screen as unknown as NodeJS.WriteStream) : undefined;
  let stopped = false;
  const draw = () => {
    if (!update || !screen || stopped) return;
    update(renderProgress([...lines.values()], { columns: screen.columns, rows: screen.rows }));
  };
  const timer = update ? setInterval(draw, 250) : undefined;
  return {
    onEvent(event) {
      switch (event.type) {
        case "stream-started": {
          const name = `${event.system}.${event.stream}`;
          lines.set(name, {
            name,
            state: "running",
            mode: event.mode,
            read: 0,
            rows: 0,
            pages: 0,
            startedAt: Date.now(),
          });
          if (!update)
            logger.info(
              {
                stream: name,
                mode: event.mode,
                from: new Date(event.fromMs).toISOString(),
                to: new Date(event.toMs).toISOString(),
              },
              "stream started",
            );
          break;
        }
        case "records-read": {
          const line = lines.get(`${event.system}.${event.stream}`);
          if (line) Object.assign(line, { read: event.totalRows, pages: event.pages });
          break;
        }
        case "batch-committed": {
          const line = lines.get(`${event.system}.${event.stream}`);
          if (line) Object.assign(line, { rows: line.rows + event.rows, pages: event.pages });
          if (!update)
            logger.info(
              { stream: `${event.system}.${event.stream}`, rows: event.rows, pages: event.pages },
              "batch committed",
            );
          break;
        }
        case "stream-finished": {
          const { result } = event;
          const line = lines.get(`${result.system}.${result.stream}`);
          if (line) Object.assign(line, { state: result.status, pages: result.pages });
          if (!update) logStreamResult(logger, result);
          break;
        }
      }
      draw();
    },
    finished(summary) {
      if (update) return;
      const fields = {
        status: summary.status,
        streams: summary.streams.length,
        failed: summary.streams.filter((s) => s.status === "failed").length,
        stopped: summary.streams.filter((s) => s.status === "cancelled").length,
        not_started: summary.notStarted,
        new: total(summary.streams, "newRows"),
        changed: total(summary.streams, "changedRows"),
        deleted: total(summary.streams, "deletedRows"),
        quarantined: total(summary.streams, "quarantinedRows"),
        duration_ms: summary.durationMs,
      };
      if (summary.status === "succeeded") logger.info(fields, "run finished");
      else logger.warn(fields, "run finished");
    },
    stop() {
      if (stopped) return;
      if (timer) clearInterval(timer);
      draw();
      stopped = true;
      update?.done();
    },
  };
}

/**
 * The terminal with its size read on every use, as 80×24 where it reports none: a
 * pseudo-terminal nobody sized says 0×0, and log-update would then fit each frame to no lines.
 */
function sized(terminal: ProgressTerminal) {
  return {
    isTTY: true,
    write: (text: string) => terminal.write(text),
    get columns() {
      return terminal.columns || 80;
    },
    get rows() {
      return terminal.rows || 24;
    },
  };
}

function total(
  streams: readonly StreamRunResult[],
  field: "newRows" | "changedRows" | "deletedRows" | "quarantinedRows",
): number {
  return streams.reduce((sum, stream) => sum + stream[field], 0);
}

function logStreamResult(logger: Logger, result: StreamRunResult): void {
  const fields = {
    stream: `${result.system}.${result.stream}`,
    mode: result.mode,
    new: result.newRows,
    changed: result.changedRows,
    deleted: result.deletedRows,
    quarantined: result.quarantinedRows,
    pages: result.pages,
    requests: result.requests,
    duration_ms: result.durationMs,
    // Where the next run starts (before its lookback); null: the stream has no cursor yet.
    cursor: result.cursorAfter === null ? null : new Date(result.cursorAfter).toISOString(),
  };
  if (result.status === "failed")
    logger.error({ ...fields, error: describeError(result.error) }, "stream failed");
  else if (result.status === "cancelled")
    logger.warn({ ...fields, reason: result.error?.message }, "stream stopped");
  else logger.info(fields, "stream finished");
}
