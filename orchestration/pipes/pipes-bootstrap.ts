import { readFileSync } from "node:fs";
import { configError, describeError } from "../../core/errors.js";
import { issuesText, plainIssueMessage } from "../../core/plain-issues.js";
import {
  DAGSTER_PIPES_CONTEXT_ENV_VAR,
  DAGSTER_PIPES_MESSAGES_ENV_VAR,
  decodePipesParam,
  type PipesContextData,
  pipesContextDataSchema,
} from "./pipes-protocol.js";

export type PipesEnv = Readonly<Record<string, string | undefined>>;

/** What the orchestrator's message reader asked for (`PipesDefaultMessageWriter`'s params). */
export type PipesMessagesParams =
  | { kind: "file"; path: string }
  | { kind: "stdio"; stream: "stdout" | "stderr"; buffered: boolean };

/** Same rule as `PipesEnvVarParamsLoader`: DAGSTER_PIPES_CONTEXT marks a Pipes launch. */
export function isLaunchedByDagster(env: PipesEnv): boolean {
  return env[DAGSTER_PIPES_CONTEXT_ENV_VAR] !== undefined;
}

/** Decodes both bootstrap env vars and loads the context (`PipesDefaultContextLoader`). */
export function loadPipesBootstrap(env: PipesEnv): {
  context: PipesContextData;
  messages: PipesMessagesParams;
} {
  const contextParams = decodeEnv(env, DAGSTER_PIPES_CONTEXT_ENV_VAR);
  const messagesParams = decodeEnv(env, DAGSTER_PIPES_MESSAGES_ENV_VAR);
  return { context: loadContext(contextParams), messages: messagesParamsFrom(messagesParams) };
}

function decodeEnv(env: PipesEnv, name: string): Record<string, unknown> {
  const raw = env[name];
  if (raw === undefined) {
    throw configError(`${name} is not set, so this process cannot talk to Dagster`, {
      hint: "launch pslink through a Dagster Pipes client, which sets both DAGSTER_PIPES_* variables",
    });
  }
  let value: unknown;
  try {
    value = decodePipesParam(raw);
  } catch (error) {
    throw configError(`${name} is not base64(zlib(JSON)): ${describeError(error)}`, {
      cause: error,
    });
  }
  if (!isRecord(value)) throw configError(`${name} must decode to a JSON object`);
  return value;
}

function loadContext(params: Record<string, unknown>): PipesContextData {
  let data: unknown;
  if (typeof params.path === "string") {
    try {
      data = JSON.parse(readFileSync(params.path, "utf8"));
    } catch (error) {
      throw configError(`cannot read the Dagster Pipes context file ${params.path}`, {
        cause: error,
      });
    }
  } else if (isRecord(params.data)) {
    data = params.data;
  } else {
    throw configError(`${DAGSTER_PIPES_CONTEXT_ENV_VAR} needs a "path" or a "data" key`, {
      details: { keys: Object.keys(params) },
    });
  }
  const parsed = pipesContextDataSchema.safeParse(data, { error: plainIssueMessage });
  if (!parsed.success) {
    throw configError(
      `the Dagster Pipes context is malformed: ${issuesText(parsed.error, "context")}`,
    );
  }
  return parsed.data;
}

function messagesParamsFrom(params: Record<string, unknown>): PipesMessagesParams {
  if (typeof params.path === "string") {
    return { kind: "file", path: params.path };
  }
  for (const [key, buffered] of [
    ["stdio", false],
    ["buffered_stdio", true],
  ] as const) {
    const stream = params[key];
    if (stream === undefined) continue;
    if (stream !== "stdout" && stream !== "stderr") {
      throw configError(`${DAGSTER_PIPES_MESSAGES_ENV_VAR}.${key} must be "stdout" or "stderr"`);
    }
    return { kind: "stdio", stream, buffered };
  }
  throw configError(`${DAGSTER_PIPES_MESSAGES_ENV_VAR} names no writer pslink supports`, {
    hint: 'use PipesTempFileMessageReader / PipesFileMessageReader ("path") or a stdio reader ("stdio")',
    details: { keys: Object.keys(params) },
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
