import { PslinkError } from "../../core/errors.js";
import { redact } from "../../core/secret.js";
import type { PipesException } from "./pipes-protocol.js";

/** Cause chains deeper than this are cut: the head of the chain is what an operator reads. */
const MAX_CAUSE_DEPTH = 8;

/**
 * A thrown value → Dagster's `PipesException`, mirroring what dagster_pipes builds from a
 * Python traceback: `message` is "Name: message\n", `stack` one entry per frame, `cause` the
 * `Error.cause` chain. JS has no implicit exception context, so `context` is always null.
 * Everything is redacted: the exception lands in Dagster's event log.
 */
export function pipesExceptionFrom(error: unknown): PipesException {
  return convert(error, 0, new Set());
}

function convert(error: unknown, depth: number, seen: Set<unknown>): PipesException {
  seen.add(error);
  if (!(error instanceof Error)) {
    return {
      name: null,
      message: `${redact(describeValue(error))}\n`,
      stack: [],
      cause: null,
      context: null,
    };
  }
  const hint = error instanceof PslinkError && error.hint ? `\nfix: ${error.hint}` : "";
  const cause = error.cause;
  const followCause =
    cause !== undefined && cause !== null && depth < MAX_CAUSE_DEPTH && !seen.has(cause);
  return {
    name: error.name,
    message: redact(`${error.name}: ${error.message}${hint}\n`),
    stack: stackFrames(error).map((frame) => redact(`  ${frame}\n`)),
    cause: followCause ? convert(cause, depth + 1, seen) : null,
    context: null,
  };
}

/** V8 stack frames ("at fn (file:line:col)"), without the message lines that precede them. */
function stackFrames(error: Error): string[] {
  return (error.stack ?? "")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith("at "));
}

function describeValue(value: unknown): string {
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
