import { deflateSync, inflateSync } from "node:zlib";
import { z } from "zod";

/**
 * The Dagster Pipes wire protocol, as defined by `dagster_pipes/__init__.py` (dagster-pipes
 * 1.13): bootstrap params, the context the orchestrator injects, and the message envelope.
 * https://docs.dagster.io/guides/build/external-pipelines/dagster-pipes-details-and-customization
 */

/** Version of the protocol (not of the package); written into every message. */
export const PIPES_PROTOCOL_VERSION = "0.1";
export const PIPES_PROTOCOL_VERSION_FIELD = "__dagster_pipes_version";

/** Bootstrap env vars: each holds base64(zlib(JSON)) of the loader's or writer's params. */
export const DAGSTER_PIPES_CONTEXT_ENV_VAR = "DAGSTER_PIPES_CONTEXT";
export const DAGSTER_PIPES_MESSAGES_ENV_VAR = "DAGSTER_PIPES_MESSAGES";

export type PipesMethod =
  | "opened"
  | "closed"
  | "log"
  | "report_asset_materialization"
  | "report_asset_check"
  | "report_custom_message"
  | "log_external_stream";

export interface PipesMessage {
  [PIPES_PROTOCOL_VERSION_FIELD]: typeof PIPES_PROTOCOL_VERSION;
  method: PipesMethod;
  params: Readonly<Record<string, unknown>> | null;
}

/** Dagster's `PipesException`: a Python traceback's shape, filled from a JS error. */
export interface PipesException {
  name: string | null;
  message: string;
  stack: string[];
  cause: PipesException | null;
  context: PipesException | null;
}

export type PipesAssetCheckSeverity = "WARN" | "ERROR";

/** Python `logging` level names, which Dagster's log manager accepts. */
export type PipesLogLevel = "DEBUG" | "INFO" | "WARNING" | "ERROR" | "CRITICAL";

const provenanceSchema = z.looseObject({
  code_version: z.string(),
  input_data_versions: z.record(z.string(), z.string()),
  is_user_provided: z.boolean(),
});

const rangeSchema = z.looseObject({ start: z.string(), end: z.string() });

/** `PipesContextData`; unknown keys are kept so a newer orchestrator does not break us. */
export const pipesContextDataSchema = z.looseObject({
  asset_keys: z.array(z.string()).nullish(),
  code_version_by_asset_key: z.record(z.string(), z.string().nullable()).nullish(),
  provenance_by_asset_key: z.record(z.string(), provenanceSchema.nullable()).nullish(),
  partition_key: z.string().nullish(),
  partition_key_range: rangeSchema.nullish(),
  partition_time_window: rangeSchema.nullish(),
  run_id: z.string(),
  job_name: z.string().nullish(),
  retry_number: z.number().int().default(0),
  extras: z.record(z.string(), z.unknown()).default({}),
});

export type PipesContextData = z.infer<typeof pipesContextDataSchema>;
export type PipesDataProvenance = z.infer<typeof provenanceSchema>;

/** Builds one envelope, exactly as `dagster_pipes._make_message` does. */
export function makePipesMessage(
  method: PipesMethod,
  params: Readonly<Record<string, unknown>> | null,
): PipesMessage {
  return { [PIPES_PROTOCOL_VERSION_FIELD]: PIPES_PROTOCOL_VERSION, method, params };
}

/** `encode_param`: JSON, zlib-compressed, base64 encoded. */
export function encodePipesParam(value: unknown): string {
  return deflateSync(Buffer.from(JSON.stringify(value), "utf8")).toString("base64");
}

/** `decode_param`: the inverse of `encodePipesParam`. */
export function decodePipesParam(value: string): unknown {
  return JSON.parse(inflateSync(Buffer.from(value, "base64")).toString("utf8"));
}
