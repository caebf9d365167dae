import type { WriteRateLimit } from "../../core/config/governance-schema.js";
import type { SourceHttpConfig } from "../../core/config/index.js";
import { transientError } from "../../core/errors.js";
import { redact } from "../../core/secret.js";
import { gatewayAnswer, withAnswer } from "../../extractors/engine/describe-answer.js";
import {
  type Authenticator,
  type ErrorVerdict,
  type HttpRequest,
  type HttpResponse,
  HttpStatusError,
  parseJsonAnswer,
  SourceHttpClient,
} from "../../extractors/engine/http-client.js";
import { RateBudget } from "../../extractors/engine/rate-budget.js";
import { actionForStatus } from "../../extractors/engine/retry-policy.js";
import type { SystemName } from "../../sandbox/world/types.js";
import type { CallRecord, WriteOutcome } from "./writer-types.js";

const EXCERPT = 500;

export interface WriteClientOptions {
  system: SystemName;
  auth: Authenticator;
  limits: WriteRateLimit;
  /** The source's request and connection timeouts (`http.timeout`, `http.connect_timeout`). */
  timeouts: Pick<SourceHttpConfig, "timeout" | "connect_timeout">;
  /** The vendor's error message from an error body. */
  describeBody: (body: string) => string | undefined;
  /** The vendor's reading of an error answer whose status alone misleads (`SourceHttpOptions`). */
  classify?: (response: HttpResponse, path: string) => ErrorVerdict | undefined;
}

/**
 * HTTP for one target's writer, on the extractor engine's client: reads retry as a sync's do;
 * writes go out exactly once per `once` call (auth refreshed once on 401), inside the target's
 * own rate budget, so the apply loop decides about every retry.
 */
export class WriteClient {
  readonly #options: WriteClientOptions;
  readonly #reads: SourceHttpClient;

  constructor(options: WriteClientOptions) {
    this.#options = options;
    const http = {
      requests_per_second: options.limits.requests_per_second,
      max_concurrency: 1,
      timeout: options.timeouts.timeout,
      connect_timeout: options.timeouts.connect_timeout,
      max_attempts: options.limits.max_attempts,
      backoff_base: options.limits.backoff_base,
      backoff_max: options.limits.backoff_max,
    };
    this.#reads = new SourceHttpClient({
      system: options.system,
      http,
      budget: new RateBudget(http),
      auth: options.auth,
      describeBody: options.describeBody,
      classify: options.classify,
    });
  }

  /** A read with the engine's retries; 404 resolves to undefined. */
  async read<T>(request: HttpRequest): Promise<T | undefined> {
    const response = await this.#reads
      .send({ ...request, method: request.method ?? "GET" })
      .catch((error: unknown) => {
        if (error instanceof HttpStatusError && error.status === 404) return undefined;
        throw error;
      });
    if (response === undefined) return undefined;
    return response.body === ""
      ? ({} as T)
      : parseJsonAnswer<T>(this.#options.system, request, response);
  }

  /** Sends a write once and classifies the answer; `applied` maps a success to the record id. */
  async write(
    request: HttpRequest,
    applied: (response: HttpResponse) => string | null,
  ): Promise<WriteOutcome> {
    const { response, call } = await this.exchange(request);
    return this.classify(response, call, applied);
  }

  /** Sends a write once (auth refreshed once on 401) and returns the answer with its audit record. */
  async exchange(request: HttpRequest): Promise<{ response: HttpResponse; call: CallRecord }> {
    const response = await this.#once(request);
    return { response, call: this.callRecord(request, response) };
  }

  /**
   * Maps an answer to an outcome: success, retry (429/5xx), the target's refusal, or a wait for
   * a later apply (an answer the vendor reads as transient yet not worth retrying now).
   */
  classify(
    response: HttpResponse,
    call: CallRecord,
    applied: (response: HttpResponse) => string | null,
  ): WriteOutcome {
    const verdict =
      response.status >= 400 ? this.#options.classify?.(response, call.path) : undefined;
    if (verdict?.kind === "transient")
      return { kind: "deferred", reason: `${verdict.reason}; ${verdict.hint}`, call };
    if (verdict) return { kind: "rejected", message: `${verdict.reason}; ${verdict.hint}`, call };
    const action = actionForStatus(response.status, response.headers);
    switch (action.kind) {
      case "done":
        return { kind: "applied", targetId: applied(response), call };
      case "retry": {
        const reason = withAnswer(action.reason, response, this.#options.describeBody);
        return { kind: "retry", reason, waitMs: action.waitMs, call };
      }
      default: {
        // The vendor's error; else a page's title or a line of text, else the body's start.
        const vendor = this.#options.describeBody(response.body);
        const page = vendor === undefined ? gatewayAnswer(response) : undefined;
        const message =
          vendor ?? (page ? `${response.status}: ${page}` : `${response.status} ${call.excerpt}`);
        return { kind: "rejected", message, call };
      }
    }
  }

  /** The audit record of a call: method, path and body sent, status and body excerpt received. */
  callRecord(request: HttpRequest, response: HttpResponse): CallRecord {
    const url = URL.parse(request.url);
    return {
      method: request.method ?? "GET",
      path: url ? url.pathname : "(invalid url)",
      body: request.json,
      status: response.status,
      excerpt: redact(response.body.slice(0, EXCERPT)),
    };
  }

  async #once(request: HttpRequest): Promise<HttpResponse> {
    const { auth } = this.#options;
    for (let attempt = 0; attempt < 2; attempt++) {
      const headers = await auth.headers(request, this.#reads.plain);
      const response = await this.#reads.plain({
        ...request,
        headers: { ...request.headers, ...headers },
      });
      if (response.status !== 401 || attempt === 1) return response;
      auth.invalidate();
    }
    throw transientError(`${this.#options.system} refused the credentials twice`);
  }
}
