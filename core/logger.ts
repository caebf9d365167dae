import pino, { type Logger } from "pino";
import { redact } from "./secret.js";

export type { Logger };

/**
 * Structured JSON logs on stderr (stdout is for command output). Every line passes through
 * `redact`, so a secret that reaches a log call by accident is still masked.
 */
export function createLogger(bindings: Record<string, unknown> = {}): Logger {
  return pino(
    {
      level: process.env.PSLINK_LOG_LEVEL ?? "info",
      base: { ...bindings },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      hooks: { streamWrite: (line) => redact(line) },
    },
    pino.destination({ fd: 2, sync: true }),
  );
}

/** The process-wide logger; child loggers add context (`logger.child({ source })`). */
export const logger: Logger = createLogger();
