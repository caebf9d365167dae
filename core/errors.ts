import { redact } from "./secret.js";

/**
 * What the runner does next with a failure (Singer SDK's grouping):
 * - `transient`: retry later (429, 5xx, timeouts, a held lock);
 * - `fatal`: stop this unit of work and report it;
 * - `skippable`: set the record aside (quarantine) and carry on;
 * - `config`: the operator must change configuration or environment.
 */
export type ErrorKind = "transient" | "fatal" | "skippable" | "config";

export interface PslinkErrorOptions {
  cause?: unknown;
  /** What the operator should do about it, in one sentence. */
  hint?: string;
  /** Structured context for logs (never secrets: it is redacted anyway). */
  details?: Record<string, unknown>;
}

/** The one error root of pslink. Messages and hints are redacted on construction. */
export class PslinkError extends Error {
  readonly kind: ErrorKind;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(kind: ErrorKind, message: string, options: PslinkErrorOptions = {}) {
    super(redact(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "PslinkError";
    this.kind = kind;
    this.hint = options.hint === undefined ? undefined : redact(options.hint);
    this.details = options.details;
  }
}

/** A configuration problem the operator must fix before anything runs. */
export const configError = (message: string, options?: PslinkErrorOptions) =>
  new PslinkError("config", message, options);

/** Failures worth retrying. */
export const transientError = (message: string, options?: PslinkErrorOptions) =>
  new PslinkError("transient", message, options);

/** Failures that end the current unit of work. */
export const fatalError = (message: string, options?: PslinkErrorOptions) =>
  new PslinkError("fatal", message, options);

/** Failures that set one record aside and let the run continue. */
export const skippableError = (message: string, options?: PslinkErrorOptions) =>
  new PslinkError("skippable", message, options);

/** Narrows any thrown value to a PslinkError, wrapping foreign errors as fatal. */
export function asPslinkError(error: unknown): PslinkError {
  if (error instanceof PslinkError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return fatalError(message, { cause: error });
}

/** Renders an error and its cause chain for a terminal, redacted. */
export function describeError(error: unknown): string {
  const lines: string[] = [];
  let current: unknown = error;
  let depth = 0;
  let said = "";
  let hint: string | undefined;
  while (current !== undefined && current !== null && depth < 5) {
    const message =
      current instanceof PslinkError
        ? current.message
        : redact(current instanceof Error ? current.message : String(current));
    // A cause whose message the error above already quotes in full adds nothing to read.
    if (depth === 0 || !said.includes(message)) {
      lines.push(`${depth === 0 ? "" : "  caused by: "}${message}`);
      said = message;
    }
    // A cause that repeats the fix of the error above adds nothing either.
    if (current instanceof PslinkError && current.hint && current.hint !== hint) {
      lines.push(`  fix: ${current.hint}`);
      hint = current.hint;
    }
    current = current instanceof Error ? current.cause : undefined;
    depth += 1;
  }
  return lines.join("\n");
}

/** Exhaustiveness check for closed string unions. */
export function assertNever(value: never, what = "value"): never {
  throw fatalError(`unexpected ${what}: ${JSON.stringify(value)}`);
}
