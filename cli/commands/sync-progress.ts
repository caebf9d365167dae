import { createLogUpdate } from "log-update";
import { describeError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import type { StreamRunResult, SyncEvent } from "../../extractors/engine/sync-events.js";

interface StreamLine {
  name: string;
  state: "running" | StreamRunResult["status"];
  mode: string;
  /** Records read and handed to the warehouse. */
  read: number;
  /** Records in committed batches. */
  rows: number;
  pages: number;
  requests: number;
  startedAt: number;
}

/**
 * Renders sync progress: on a terminal a live table redrawn in place (rows, pages, rate per
 * stream); elsewhere one structured log line per event.
 */
export function syncProgress(
  logger: Logger,
  live: boolean,
): { onEvent(event: SyncEvent): void; stop(): void } {
  const lines = new Map<string, StreamLine>();
  const update = live ? createLogUpdate(process.stderr) : undefined;
  const draw = () => update?.([...lines.values()].map(renderLine).join("\n"));
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
            requests: 0,
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
          if (line)
            Object.assign(line, {
              read: event.totalRows,
              pages: event.pages,
              requests: event.requests,
            });
          break;
        }
        case "batch-committed": {
          const line = lines.get(`${event.system}.${event.stream}`);
          if (line)
            Object.assign(line, {
              rows: line.rows + event.rows,
              pages: event.pages,
              requests: event.requests,
            });
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
          if (line)
            Object.assign(line, {
              state: result.status,
              pages: result.pages,
              requests: result.requests,
            });
          if (!update) logStreamResult(logger, result);
          break;
        }
      }
      draw();
    },
    stop() {
      if (timer) clearInterval(timer);
      draw();
      update?.done();
    },
  };
}

function renderLine(line: StreamLine): string {
  const seconds = Math.max((Date.now() - line.startedAt) / 1000, 0.001);
  const mark = { running: "…", succeeded: "✓", failed: "✗", cancelled: "■" }[line.state];
  const read = Math.max(line.read, line.rows);
  const rate = line.state === "running" ? `${Math.round(read / seconds)} rows/s` : "";
  return `${mark} ${line.name.padEnd(34)} ${line.mode.padEnd(11)} ${String(read).padStart(9)} read ${String(line.rows).padStart(9)} committed ${String(line.pages).padStart(6)} pages  ${rate}`;
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
  };
  if (result.status === "failed")
    logger.error({ ...fields, error: describeError(result.error) }, "stream failed");
  else if (result.status === "cancelled")
    logger.warn({ ...fields, reason: result.error?.message }, "stream stopped");
  else logger.info(fields, "stream finished");
}
