import { PslinkError } from "../core/errors.js";
import { redact } from "../core/secret.js";

/**
 * A failed `--json` command's error as one JSON line for stderr, so a script reading the output
 * as JSON can read why there is none: `{"error":{"kind":"config","message":…,"fix":…}}`, plus
 * `caused_by` (the cause chain's messages) when there is one. Redacted like `describeError`.
 */
export function jsonError(error: unknown, exitCode: number): string {
  const causes: string[] = [];
  let cause = error instanceof Error ? error.cause : undefined;
  while (cause !== undefined && cause !== null && causes.length < 4) {
    causes.push(messageOf(cause));
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return JSON.stringify({
    error: {
      kind: error instanceof PslinkError ? error.kind : "fatal",
      message: messageOf(error),
      ...(error instanceof PslinkError && error.hint ? { fix: error.hint } : {}),
      ...(causes.length > 0 ? { caused_by: causes } : {}),
      exit_code: exitCode,
    },
  });
}

function messageOf(error: unknown): string {
  if (error instanceof PslinkError) return error.message;
  return redact(error instanceof Error ? error.message : String(error));
}
