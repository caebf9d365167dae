import { setTimeout as sleep } from "node:timers/promises";
import got, { RequestError, TimeoutError } from "got";
import type { SourceHttpConfig } from "../../core/config/index.js";
import {
  configError,
  type ErrorKind,
  fatalError,
  PslinkError,
  transientError,
} from "../../core/errors.js";
import { redact } from "../../core/secret.js";
import type { SystemName } from "../../sandbox/world/types.js";
import { markupAnswer, textAnswer, withAnswer } from "./describe-answer.js";
import { agentsFor, proxyShownFor } from "./proxy-agents.js";
import type { RateBudget } from "./rate-budget.js";
import { actionForStatus, backoffMs, RETRYABLE_CODES } from "./retry-policy.js";
import type { StreamMetrics } from "./source.js";
import { type SystemDown, SystemDownError, stoppedByDown } from "./system-reachability.js";
import { plainHttpToTls, tlsFailure } from "./tls-errors.js";

export interface HttpRequest {
  method?: "GET" | "POST" | "PATCH" | "PUT";
  url: string;
  headers?: Record<string, string>;
  /** JSON body. */
  json?: unknown;
  /** Form-encoded body (token endpoints). */
  form?: Record<string, string>;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends one request without auth or retries (what authenticators fetch tokens with). */
export type Send = (request: HttpRequest) => Promise<HttpResponse>;

/** A system's auth: headers per request, refreshed after a 401. */
export interface Authenticator {
  headers(request: HttpRequest, send: Send): Promise<Record<string, string>>;
  invalidate(): void;
}

export interface HttpClientOptions {
  system: SystemName;
  http: SourceHttpConfig;
  budget: RateBudget;
  auth: Authenticator;
  /** Pulls the vendor's error message out of an error body (never the request). */
  describeBody?: (body: string) => string | undefined;
  /**
   * An error answer the vendor gives again however often it is asked (Workday's oversized
   * report is a 500): failed at once as an `HttpStatusError` instead of retried.
   */
  isFinal?: (response: HttpResponse) => boolean;
  /**
   * The vendor's reading of an error answer whose status alone misleads (Salesforce's 403
   * `REQUEST_LIMIT_EXCEEDED` is the org's daily allowance, not a permission), given the
   * request's path too. An answer it reads fails at once, never retried: the verdict's hint says
   * when or how to go on.
   */
  classify?: (response: HttpResponse, path: string) => ErrorVerdict | undefined;
  /**
   * The run's stop signal: a request in flight is aborted and a backoff cut short, so a stopped
   * sync ends within moments rather than after the request's timeout or its retries. The system
   * going down (`budget.reachability`) does the same.
   */
  signal?: AbortSignal;
}

/** What a vendor's error answer means: what happens next, and what the operator should do. */
export interface ErrorVerdict {
  readonly kind: ErrorKind;
  /** Stands for the vendor's message in the error. */
  readonly reason: string;
  readonly hint: string;
}

/** Thrown for a response the caller must interpret (3xx, 4xx other than 401/408/429). */
export class HttpStatusError extends PslinkError {
  readonly status: number;
  readonly body: string;
  constructor(
    message: string,
    status: number,
    body: string,
    options: { kind?: ErrorKind; hint?: string } = {},
  ) {
    super(options.kind ?? (status === 403 ? "config" : "fatal"), message, {
      hint: options.hint,
      details: { status },
    });
    this.status = status;
    this.body = redact(body);
  }
}

/** `system METHOD url` for messages, the URL masked. */
export function requestLabel(system: string, request: HttpRequest): string {
  return `${system} ${request.method ?? "GET"} ${maskUrl(request.url)}`;
}

/**
 * A 3xx answer, which pslink never follows: it names the status and where it pointed (masked
 * like every URL) and says to fix the address it was given, since every retry would go there too.
 */
export function redirectError(
  system: string,
  request: HttpRequest,
  response: HttpResponse,
  setting = `sources.${system}.base_url`,
): HttpStatusError {
  const raw = response.headers.location;
  const location = Array.isArray(raw) ? raw[0] : raw;
  const target = location ? maskUrl(URL.parse(location, request.url)?.href ?? location) : undefined;
  return new HttpStatusError(
    `${requestLabel(system, request)} was redirected (${response.status}) to ${target ?? "(no Location header)"}; pslink does not follow redirects`,
    response.status,
    response.body,
    {
      kind: "config",
      hint: `set ${setting} to the address the API answers on itself (https, the instance's own host), not one that forwards to it or to a login page`,
    },
  );
}

/**
 * The JSON body of a successful answer. Markup instead (a web page, a sign-in page) fails at
 * once naming the base URL, since every attempt would get the same page; any other body that
 * does not parse is taken for one cut short and retried.
 */
export function parseJsonAnswer<T>(
  system: string,
  request: HttpRequest,
  response: HttpResponse,
): T {
  try {
    return JSON.parse(response.body) as T;
  } catch (cause) {
    const label = requestLabel(system, request);
    const markup = markupAnswer(response);
    if (markup)
      throw configError(`${label} answered ${response.status} with ${markup}, not JSON`, {
        hint: `that address is not the ${system} API: set sources.${system}.base_url to the API's own address (not the web application's, a sign-in page or a network's portal)`,
      });
    throw transientError(`${label} returned a malformed or truncated body`, { cause });
  }
}

/** Masks a URL for messages: origin and path only, query values are never printed. */
export function maskUrl(url: string): string {
  const parsed = URL.parse(url);
  if (!parsed) return "(invalid url)";
  return `${parsed.origin}${parsed.pathname}${parsed.search ? "?…" : ""}`;
}

/** What a request's last attempt met, and what that says of its system. */
interface AttemptFailure {
  readonly reason: string;
  /**
   * `unreachable`: no server answered (DNS, refused, no route); `unavailable`: server errors or
   * timeouts; `other`: throttling, malformed bodies, which say nothing of the system's health.
   */
  readonly on: SystemDown["state"] | "other";
  /** The network error's code, when it was one. */
  readonly code?: string;
  /** The request that failed: the data request, or the token request made for it. */
  readonly request?: HttpRequest;
  /** The setting that names its address (`base_url`, or `auth.token_url`). */
  readonly setting?: string;
}

/** Errors of token requests (`plain`), with the request: their failures name auth.token_url. */
const tokenFailures = new WeakMap<object, HttpRequest>();

/**
 * got-based client with retries (exponential backoff + jitter on 429/5xx/timeouts/network
 * errors, `Retry-After` honoured), auth refresh on 401 and the tenant's shared rate budget. A
 * request that gives up may mark the system down (`SystemReachability`): the other requests of
 * its streams then fail at once.
 */
export class SourceHttpClient {
  readonly #options: HttpClientOptions;
  /** Ends requests in flight and backoffs: the run's stop, or the system going down. */
  readonly #signal: AbortSignal;

  constructor(options: HttpClientOptions) {
    this.#options = options;
    const down = options.budget.reachability.signal;
    this.#signal = options.signal ? AbortSignal.any([options.signal, down]) : down;
  }

  /** Sends a request and parses its JSON body (`parseJsonAnswer`): a truncated one is retried. */
  async json<T>(request: HttpRequest, metrics?: StreamMetrics): Promise<T> {
    return (await this.jsonText<T>(request, metrics)).body;
  }

  /** As `json`, with the body's text as received (a page the warehouse reads its records from). */
  async jsonText<T>(
    request: HttpRequest,
    metrics?: StreamMetrics,
  ): Promise<{ body: T; text: string }> {
    return this.#attempts(request, metrics, (response) => ({
      body: parseJsonAnswer<T>(this.#options.system, request, response),
      text: response.body,
    }));
  }

  /** Sends a request and returns the raw successful response. */
  async send(request: HttpRequest, metrics?: StreamMetrics): Promise<HttpResponse> {
    return this.#attempts(request, metrics, (response) => response);
  }

  /** Sends once through the budget, no auth, no retries (token endpoints). */
  readonly plain: Send = async (request) => {
    try {
      return await this.#options.budget.run(() =>
        transport(request, this.#options.http, this.#signal),
      );
    } catch (error) {
      const setting = `sources.${this.#options.system}.auth.token_url`;
      const tls = await this.#tlsFailure(error, request, setting);
      if (tls) throw tls;
      if (typeof error === "object" && error !== null) tokenFailures.set(error, request);
      throw error;
    }
  };

  async #attempts<T>(
    request: HttpRequest,
    metrics: StreamMetrics | undefined,
    parse: (response: HttpResponse) => T,
  ): Promise<T> {
    const { http, auth, budget, signal } = this.#options;
    const { reachability } = budget;
    const servedBefore = reachability.served;
    let reauthenticated = false;
    let failure: AttemptFailure = { reason: "", on: "other" };
    for (let attempt = 1; attempt <= http.max_attempts; attempt++) {
      // Another stream found the system down: nothing more is sent to it in this run.
      if (reachability.down) throw stoppedByDown(reachability.down);
      let waitMs: number | undefined;
      try {
        const headers = await auth.headers(request, this.plain);
        const authed = { ...request, headers: { ...request.headers, ...headers } };
        if (metrics) metrics.requests += 1;
        const response = await budget.run(() => transport(authed, http, this.#signal));
        if (response.status >= 400) {
          const path = URL.parse(request.url)?.pathname ?? "";
          const verdict = this.#options.classify?.(response, path);
          if (verdict) throw this.#statusError(request, response, verdict);
          if (this.#options.isFinal?.(response)) throw this.#statusError(request, response);
        }
        const action = actionForStatus(response.status, response.headers);
        switch (action.kind) {
          case "done": {
            const parsed = parse(response);
            reachability.answered();
            return parsed;
          }
          case "reauthenticate":
            if (reauthenticated)
              throw this.#statusError(request, response, {
                hint: `check sources.${this.#options.system}.auth in pslink.yml and the secrets it references (environment or .env)`,
              });
            reauthenticated = true;
            auth.invalidate();
            attempt -= 1;
            continue;
          case "retry":
            failure = {
              reason: withAnswer(action.reason, response, this.#options.describeBody),
              on: response.status === 429 ? "other" : "unavailable",
            };
            waitMs = action.waitMs;
            break;
          case "redirected":
            throw redirectError(this.#options.system, request, response);
          case "fail":
            throw this.#statusError(request, response);
        }
      } catch (error) {
        // Stopped: whatever the request met, the run's signal has the last word.
        if (signal?.aborted) throw error;
        // A status error is the vendor's final answer, whatever its kind: never retried here.
        if (error instanceof HttpStatusError) throw error;
        if (error instanceof PslinkError && error.kind !== "transient") throw error;
        // The system went down while this request was out (aborted) or waited for a token.
        if (reachability.down) throw stoppedByDown(reachability.down);
        // A token request's failure is its address's (`plain` checked its TLS): auth.token_url
        // when it is elsewhere than the data (unset, the token URL is base_url's own host).
        const token = typeof error === "object" && error ? tokenFailures.get(error) : undefined;
        const failed = token ?? request;
        const elsewhere = token && originOf(token.url) !== originOf(request.url);
        const setting = `sources.${this.#options.system}.${elsewhere ? "auth.token_url" : "base_url"}`;
        const proxy = error instanceof RequestError ? proxyShownFor(failed.url) : undefined;
        const refusedBy = proxy && PROXY_REFUSED.exec((error as Error).message)?.[1];
        const tls = token ? undefined : await this.#tlsFailure(error, request);
        if (error instanceof PslinkError)
          failure = { reason: error.message, on: serverFailed(error) ? "unavailable" : "other" };
        else if (refusedBy === "407")
          throw fatalError(`${this.#label(request)} failed: the proxy at ${proxy} answered 407`, {
            hint: "the proxy refused pslink's credentials: fix the user and password in HTTPS_PROXY / HTTP_PROXY (http://user:password@host:port)",
          });
        else if (refusedBy)
          failure = { reason: `the proxy at ${proxy} answered ${refusedBy}`, on: "unavailable" };
        else if (tls) throw tls;
        else if (!proxy && isHttpParseError(error))
          // Another protocol at that port (SSH, a database): every attempt would read the same.
          throw configError(
            `${this.#label(failed)} failed: ${originOf(failed.url)} did not answer in HTTP (${(error as Error).message})`,
            {
              cause: error,
              hint: `check ${setting}: its host and port serve something other than the ${this.#options.system} API's HTTP(S)`,
            },
          );
        else if (isRetryableNetworkError(error)) {
          const code = networkCode(error);
          const at = { request: failed, setting };
          failure = proxy
            ? {
                reason: `network error (${code}) through the proxy at ${proxy}`,
                on: "unavailable",
                ...at,
              }
            : {
                reason: `network error (${code})`,
                on: UNREACHABLE_CODES.has(code) ? "unreachable" : "unavailable",
                code,
                ...at,
              };
        } else throw fatalError(`${this.#label(failed)} failed`, { cause: error });
      }
      if (attempt < http.max_attempts) await this.#backoff(waitMs ?? backoffMs(attempt, http));
    }
    throw this.#gaveUp(request, metrics ?? request, servedBefore, failure);
  }

  /** Waits before the next attempt; the system going down ends the wait (the attempt says why). */
  async #backoff(ms: number): Promise<void> {
    try {
      await sleep(ms, undefined, { signal: this.#signal });
    } catch (error) {
      if (this.#options.signal?.aborted || !this.#options.budget.reachability.down) throw error;
    }
  }

  /**
   * The error of a request out of attempts. When its last attempt found no server, or a server
   * failing it, that is evidence against the whole system (`stream` stands for whose request it
   * was): `SystemReachability` decides whether the system is down, and the error then says so.
   */
  #gaveUp(
    request: HttpRequest,
    stream: object,
    servedBefore: number,
    failure: AttemptFailure,
  ): PslinkError {
    const { system, http, budget } = this.#options;
    const failed = failure.request ?? request;
    const message = `${this.#label(failed)} still failing after ${http.max_attempts} attempts: ${failure.reason}`;
    const url = failed.url;
    const setting = failure.setting ?? `sources.${system}.base_url`;
    let hint =
      failure.code === "timeout"
        ? // A server that takes connections but never answers: neither throttling nor an outage.
          `no answer from ${originOf(url)} within sources.${system}.http.timeout (now ${http.timeout / 1000} s): check ${setting} (something there takes connections but does not answer), or raise sources.${system}.http.timeout if the API is that slow, then rerun`
        : `the ${system} API is unavailable or throttling; rerun later or raise sources.${system}.http.max_attempts`;
    let evidence: SystemDown | undefined;
    if (failure.on === "unreachable") {
      const [address, check] =
        failure.code === "ENOTFOUND"
          ? [
              `no host is named ${URL.parse(url)?.hostname ?? "(invalid url)"} (DNS does not know it)`,
              `check ${setting}`,
            ]
          : [
              `nothing answered at ${originOf(url)}`,
              failure.code === CONNECT_TIMEOUT
                ? `check ${setting} and the network (a firewall that drops the traffic answers nothing), or raise sources.${system}.http.connect_timeout (now ${http.connect_timeout / 1000} s)`
                : `check ${setting} and the network`,
            ];
      hint = `${address}: ${check}, then rerun`;
      const reason = failure.code === "ENOTFOUND" ? address : `${address} (${failure.code})`;
      evidence = { system, state: "unreachable", reason, check };
    } else if (failure.on === "unavailable") {
      evidence = {
        system,
        state: "unavailable",
        reason: `two streams' requests at ${originOf(request.url)} failed all ${http.max_attempts} attempts (${failure.reason})`,
        check: `check the ${system} API's status, then rerun later`,
      };
    }
    const down = evidence && budget.reachability.gaveUp(stream, servedBefore, evidence);
    return down ? new SystemDownError(message, down, { hint }) : transientError(message, { hint });
  }

  #statusError(
    request: HttpRequest,
    response: HttpResponse,
    verdict: Partial<ErrorVerdict> = {},
  ): HttpStatusError {
    const { system, describeBody } = this.#options;
    const vendor = verdict.reason ?? describeBody?.(response.body);
    // No vendor error: a page from something in front of the API (a gateway, a firewall).
    const page = vendor === undefined ? markupAnswer(response) : undefined;
    const said = vendor ?? page ?? textAnswer(response);
    const hint =
      verdict.hint ??
      (response.status === 403
        ? page
          ? `${page} is not the ${system} API's refusal: something in front of it (a web application firewall, a proxy or a CDN) refused the request; check sources.${system}.base_url, else ask whoever runs that firewall to let this machine's requests through`
          : `the ${system} user lacks a permission this call needs: grant it, or check sources.${system}.auth`
        : response.status === 404
          ? `the ${system} API has no such resource at ${maskUrl(request.url)}: check sources.${system}.base_url`
          : response.status === 501
            ? `the server at ${originOf(request.url)} does not serve ${request.method ?? "GET"} there, which the ${system} API does: check sources.${system}.base_url`
            : undefined);
    return new HttpStatusError(
      `${this.#label(request)} returned ${response.status}${said ? `: ${said}` : ""}`,
      response.status,
      response.body,
      { kind: verdict.kind, hint },
    );
  }

  #label(request: HttpRequest): string {
    return requestLabel(this.#options.system, request);
  }

  /**
   * A TLS failure no retry changes (an untrusted certificate, say, or http:// to a port that
   * speaks TLS), as its error; else undefined.
   */
  async #tlsFailure(
    error: unknown,
    request: HttpRequest,
    setting = `sources.${this.#options.system}.base_url`,
  ): Promise<PslinkError | undefined> {
    const target = {
      label: this.#label(request),
      url: request.url,
      setting,
      proxy: proxyShownFor(request.url),
    };
    return (
      tlsFailure(error, target) ??
      (await plainHttpToTls(error, target, this.#options.http.connect_timeout))
    );
  }
}

/** No connection opened within `http.connect_timeout`: what a firewall dropping the traffic gives. */
const CONNECT_TIMEOUT = "connect timeout";

/** Network errors meaning no server answered at that address: the base URL is the first suspect. */
const UNREACHABLE_CODES: ReadonlySet<string> = new Set([
  CONNECT_TIMEOUT,
  "ENOTFOUND",
  "ECONNREFUSED",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

/** hpagent's error when the proxy answers its CONNECT with anything but 200. */
const PROXY_REFUSED = /^Bad response: (\d{3})\b/;

/** A transient failure the server answered with a 5xx or 408 (a token endpoint's, say). */
function serverFailed(error: PslinkError): boolean {
  const status = error.details?.status;
  return typeof status === "number" && (status >= 500 || status === 408);
}

function originOf(url: string): string {
  return URL.parse(url)?.origin ?? "(invalid url)";
}

async function transport(
  request: HttpRequest,
  http: Pick<SourceHttpConfig, "timeout" | "connect_timeout">,
  signal: AbortSignal | undefined,
): Promise<HttpResponse> {
  const response = await got(request.url, {
    signal,
    method: request.method ?? "GET",
    headers: request.headers,
    json: request.json,
    form: request.form,
    timeout: { request: http.timeout, connect: Math.min(http.connect_timeout, http.timeout) },
    agent: agentsFor(request.url),
    retry: { limit: 0 },
    throwHttpErrors: false,
    followRedirect: false,
    responseType: "text",
  });
  return { status: response.statusCode, headers: response.headers, body: response.body };
}

function isRetryableNetworkError(error: unknown): boolean {
  if (error instanceof RequestError)
    return error.name === "TimeoutError" || RETRYABLE_CODES.has(error.code);
  return false;
}

/** Node's HTTP parser could not read the answer (`HPE_…`): the server does not speak HTTP. */
function isHttpParseError(error: unknown): boolean {
  return error instanceof RequestError && error.code.startsWith("HPE_");
}

function networkCode(error: unknown): string {
  if (error instanceof TimeoutError) return error.event === "connect" ? CONNECT_TIMEOUT : "timeout";
  return error instanceof RequestError ? error.code : "unknown";
}
