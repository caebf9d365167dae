import type { Command } from "commander";
import { configError } from "../../core/errors.js";
import { isLaunchedByDagster, type PipesEnv } from "./pipes-bootstrap.js";
import { attachPipes } from "./pipes-event-adapter.js";
import type { JobEventSink } from "./pipes-events.js";
import { openPipesSession, type PipesSession } from "./pipes-session.js";

/** What a command body gets: where to send job events, and the session when under Dagster. */
export interface PipesCommandContext {
  emit: JobEventSink;
  session: PipesSession | undefined;
}

export interface WithPipesOptions {
  /** The command's `--pipes` flag: report to Dagster, which must have launched the process. */
  pipes: boolean;
  /** Other consumers of the same events (progress output, run history). */
  onEvent?: JobEventSink;
  env?: PipesEnv;
}

/**
 * Runs a command body inside a Pipes session when `--pipes` is set: events are forwarded to
 * Dagster and to `onEvent`, and the session closes with the command's error if it throws (the
 * error is rethrown, so the CLI still exits non-zero). Without `--pipes` the body runs as is.
 */
export async function withPipes<T>(
  command: (context: PipesCommandContext) => Promise<T>,
  options: WithPipesOptions,
): Promise<T> {
  const forward = options.onEvent ?? (() => {});
  if (!options.pipes) return command({ emit: forward, session: undefined });
  const env = options.env ?? process.env;
  if (!isLaunchedByDagster(env)) {
    throw configError("--pipes was given but this process was not launched by Dagster", {
      hint: "run it from a Dagster asset with PipesSubprocessClient, or drop --pipes",
    });
  }
  const session = openPipesSession(env);
  if (!session) throw configError("the Dagster Pipes session could not be opened");
  const report = attachPipes(session);
  const emit: JobEventSink = (event) => {
    forward(event);
    report(event);
  };
  try {
    const result = await command({ emit, session });
    session.close();
    return result;
  } catch (error) {
    session.close(error);
    throw error;
  }
}

/** Adds the shared `--pipes` flag to a command (read it back as `options.pipes`). */
export function addPipesOption(command: Command): Command {
  return command.option(
    "--pipes",
    "report to Dagster through Pipes (when launched by a Dagster Pipes client)",
    false,
  );
}
