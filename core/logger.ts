import pino, { type Logger } from "pino";
import { configError } from "./errors.js";
import { redact } from "./secret.js";

export type { Logger };

/** The levels `PSLINK_LOG_LEVEL` accepts (pino's), most verbose first. */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;

/** The level `PSLINK_LOG_LEVEL` asks for (default info); a config error names the valid ones. */
export function logLevel(env: NodeJS.ProcessEnv = process.env): string {
  const level = env.PSLINK_LOG_LEVEL?.trim().toLowerCase() || "info";
  if (!(LOG_LEVELS as readonly string[]).includes(level))
    throw configError(`PSLINK_LOG_LEVEL="${env.PSLINK_LOG_LEVEL}" is not a log level`, {
      hint: `set it to one of ${LOG_LEVELS.join(", ")} (or unset it for info)`,
    });
  return level;
}

/**
 * Structured JSON logs on stderr (stdout is for command output). Every line passes through
 * `redact`, so a secret that reaches a log call by accident is still masked.
 */
export function createLogger(bindings: Record<string, unknown> = {}): Logger {
  return pino(
    {
      // An invalid level is reported by the CLI (`logLevel`) before anything logs.
      level: safeLevel(),
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

function safeLevel(): string {
  try {
    return logLevel();
  } catch {
    return "info";
  }
}
