import { CronExpressionParser } from "cron-parser";
import type { WriteWindowConfig } from "../core/config/governance-schema.js";

/** Whether a target's write window is open at `now`, and when the current or next one runs. */
export interface WindowCheck {
  open: boolean;
  /** Start of the window that contains `now`, or of the last one before it. */
  lastStart: Date;
  lastEnd: Date;
  nextStart: Date;
  /** One line for the operator and the audit log. */
  summary: string;
}

/** Evaluates a window (`start` cron in `timezone`, open for `duration` ms) at `now`. */
export function checkWindow(window: WriteWindowConfig, now: Date): WindowCheck {
  // cron-parser's prev() is strictly before currentDate: step 1 ms ahead so a window opening
  // exactly at `now` counts as open.
  const previous = CronExpressionParser.parse(window.start, {
    currentDate: new Date(now.getTime() + 1),
    tz: window.timezone,
  });
  const lastStart = previous.prev().toDate();
  const lastEnd = new Date(lastStart.getTime() + window.duration);
  const following = CronExpressionParser.parse(window.start, {
    currentDate: now,
    tz: window.timezone,
  });
  const nextStart = following.next().toDate();
  const open = now.getTime() < lastEnd.getTime();
  const rule = `"${window.start}" ${window.timezone} for ${formatDuration(window.duration)}`;
  const summary = open
    ? `window open (${rule}) since ${lastStart.toISOString()} until ${lastEnd.toISOString()}`
    : `window closed (${rule}); next opens ${nextStart.toISOString()}`;
  return { open, lastStart, lastEnd, nextStart, summary };
}

function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}
