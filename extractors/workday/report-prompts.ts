import type { WorkdayConfig } from "../../core/config/index.js";
import { assertNever } from "../../core/errors.js";
import { isoSeconds } from "../engine/timestamps.js";

type PromptFormat = NonNullable<WorkdayConfig["report"]>["prompt_format"];

const DAY_MS = 86_400_000;

/** How a report's date prompts are written, and the narrowest range they can express. */
export interface PromptClock {
  /** The narrowest range: one second for date-time prompts, one day for date prompts. */
  readonly stepMs: number;
  /** `second` or `day`, for messages. */
  readonly unit: string;
  /** A range boundary (a multiple of `stepMs`) as the prompt's text. */
  write(ms: number): string;
}

/**
 * The prompt clock of a report's `prompt_format`. Date prompts have no time of day, so their
 * ranges are whole UTC days.
 */
export function promptClock(format: PromptFormat): PromptClock {
  switch (format) {
    case "date_time":
      return { stepMs: 1000, unit: "second", write: isoSeconds };
    case "date":
      return { stepMs: DAY_MS, unit: "day", write: (ms) => isoDay(ms) };
    case "date_with_zone":
      return { stepMs: DAY_MS, unit: "day", write: (ms) => `${isoDay(ms)}+00:00` };
    default:
      return assertNever(format, "workday report prompt_format");
  }
}

/**
 * The prompt ranges covering `[fromMs, toMs)`, oldest first, each at most `windowMs` long and
 * on the clock's steps. Date prompts start a day early: the tenant reads a date in its own zone,
 * up to a day behind UTC, and a worker updated late on the window's first day would be missed.
 */
export function promptRanges(
  clock: PromptClock,
  fromMs: number,
  toMs: number,
  windowMs: number,
): [number, number][] {
  const step = clock.stepMs;
  const start = Math.floor(fromMs / step) * step - (step === DAY_MS ? DAY_MS : 0);
  const end = Math.ceil(toMs / step) * step;
  const width = Math.max(step, Math.floor(windowMs / step) * step);
  const ranges: [number, number][] = [];
  for (let from = start; from < end; from += width)
    ranges.push([from, Math.min(from + width, end)]);
  return ranges;
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
