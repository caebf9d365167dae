import { fatalError } from "../../core/errors.js";
import { type AssetKeyInput, fromPipesAssetKey, toPipesAssetKey } from "./pipes-asset-key.js";
import { isLaunchedByDagster, loadPipesBootstrap, type PipesEnv } from "./pipes-bootstrap.js";
import { pipesExceptionFrom } from "./pipes-exception.js";
import { installExitHooks } from "./pipes-exit-hooks.js";
import { openMessageChannel, type PipesMessageChannel } from "./pipes-message-writer.js";
import { type MetadataInput, normalizeMetadata } from "./pipes-metadata.js";
import {
  makePipesMessage,
  type PipesAssetCheckSeverity,
  type PipesContextData,
  type PipesDataProvenance,
  type PipesLogLevel,
  type PipesMethod,
} from "./pipes-protocol.js";

export type LogLevel = "debug" | "info" | "warn" | "error";

const PIPES_LEVEL: Record<LogLevel, PipesLogLevel> = {
  debug: "DEBUG",
  info: "INFO",
  warn: "WARNING",
  error: "ERROR",
};

export interface AssetCheckReport {
  /** Optional when the step targets exactly one asset, as in dagster_pipes. */
  assetKey?: AssetKeyInput;
  checkName: string;
  passed: boolean;
  severity?: PipesAssetCheckSeverity;
  metadata?: MetadataInput;
}

export interface OpenPipesOptions {
  /** Close with the error on an uncaught exception, a signal or an early exit (default true). */
  exitHooks?: boolean;
}

/** Opens a Pipes session when Dagster launched this process; `undefined` otherwise. */
export function openPipesSession(
  env: PipesEnv = process.env,
  options: OpenPipesOptions = {},
): PipesSession | undefined {
  if (!isLaunchedByDagster(env)) return undefined;
  const { context, messages } = loadPipesBootstrap(env);
  const session = new PipesSession(context, openMessageChannel(messages));
  if (options.exitHooks ?? true) session.onClose(installExitHooks(session));
  return session;
}

/**
 * The external side of one Pipes session (dagster_pipes' `PipesContext`): what Dagster asked
 * for, and the calls that stream results back. It writes `opened` on construction and refuses
 * writes after `close`, like the Python context.
 */
export class PipesSession {
  readonly context: PipesContextData;
  readonly #channel: PipesMessageChannel;
  readonly #materialized = new Set<string>();
  readonly #onClose: (() => void)[] = [];
  #closed = false;

  constructor(context: PipesContextData, channel: PipesMessageChannel) {
    this.context = context;
    this.#channel = channel;
    this.#channel.write(makePipesMessage("opened", { extras: {} }));
  }

  /** The asset keys this step targets, as paths; `undefined` when it targets no assets. */
  get assetKeys(): string[][] | undefined {
    return this.context.asset_keys?.map(fromPipesAssetKey);
  }

  get partitionKey(): string | undefined {
    return this.context.partition_key ?? undefined;
  }

  get runId(): string {
    return this.context.run_id;
  }

  get extras(): Readonly<Record<string, unknown>> {
    return this.context.extras;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Whether a materialization or check for this asset belongs to the current step. */
  inScope(assetKey: AssetKeyInput): boolean {
    const keys = this.context.asset_keys;
    return !keys || keys.length === 0 || keys.includes(toPipesAssetKey(assetKey));
  }

  /** Data provenance Dagster recorded for an asset of this step (code and input versions). */
  provenance(assetKey: AssetKeyInput): PipesDataProvenance | undefined {
    return this.context.provenance_by_asset_key?.[toPipesAssetKey(assetKey)] ?? undefined;
  }

  /** Reports one asset materialization; each asset may be reported once per session. */
  reportMaterialization(
    assetKey: AssetKeyInput | undefined,
    metadata?: MetadataInput,
    dataVersion?: string,
  ): void {
    const key = this.#resolveAssetKey(assetKey, "report_asset_materialization");
    if (this.#materialized.has(key)) {
      throw fatalError(`asset ${key} was already reported as materialized in this Pipes session`);
    }
    this.#write("report_asset_materialization", {
      asset_key: key,
      data_version: dataVersion ?? null,
      metadata: normalizeMetadata(metadata),
    });
    this.#materialized.add(key);
  }

  /** Reports one asset check evaluation (severity defaults to ERROR, as in dagster_pipes). */
  reportAssetCheck(check: AssetCheckReport): void {
    this.#write("report_asset_check", {
      asset_key: this.#resolveAssetKey(check.assetKey, "report_asset_check"),
      check_name: check.checkName,
      passed: check.passed,
      metadata: normalizeMetadata(check.metadata),
      severity: check.severity ?? "ERROR",
    });
  }

  /** A log line in Dagster's run log. */
  log(message: string, level: LogLevel = "info"): void {
    this.#write("log", { message, level: PIPES_LEVEL[level] });
  }

  /** Any JSON payload; the Dagster side reads it with `get_custom_messages()`. */
  reportCustomMessage(payload: unknown): void {
    this.#write("report_custom_message", { payload });
  }

  /** Raw stdout/stderr text that Dagster writes to its own stream. */
  logExternalStream(stream: "stdout" | "stderr", text: string, extras: MetadataInput = {}): void {
    this.#write("log_external_stream", { stream, text, extras });
  }

  /** Writes `closed` (with the exception when `error` is given) and flushes; idempotent. */
  close(error?: unknown): void {
    if (this.#closed) return;
    this.#closed = true;
    const params = error === undefined ? {} : { exception: pipesExceptionFrom(error) };
    this.#channel.write(makePipesMessage("closed", params));
    this.#channel.close();
    for (const callback of this.#onClose.splice(0)) callback();
  }

  /** Runs `callback` once the session closes. */
  onClose(callback: () => void): void {
    if (this.#closed) callback();
    else this.#onClose.push(callback);
  }

  #write(method: PipesMethod, params: Record<string, unknown>): void {
    if (this.#closed)
      throw fatalError(`cannot send ${method}: the Dagster Pipes session is closed`);
    this.#channel.write(makePipesMessage(method, params));
  }

  /** `_resolve_optionally_passed_asset_key`: in scope, or the single asset of the step. */
  #resolveAssetKey(assetKey: AssetKeyInput | undefined, method: string): string {
    const keys = this.context.asset_keys ?? undefined;
    if (assetKey === undefined) {
      if (keys?.length === 1 && keys[0] !== undefined) return keys[0];
      throw fatalError(
        `${method} needs an asset key: this step targets ${keys?.length ?? 0} assets`,
      );
    }
    const key = toPipesAssetKey(assetKey);
    if (keys && keys.length > 0 && !keys.includes(key)) {
      throw fatalError(`${method}: asset ${key} is not in this step (${keys.join(", ")})`);
    }
    return key;
  }
}
