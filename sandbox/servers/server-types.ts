import type { IncomingHttpHeaders } from "node:http";
import type { SystemName } from "../world/types.js";
import type { World } from "../world/world.js";
import type { Fault } from "./fault-injector.js";
import type { JsonCache } from "./json-cache.js";
import type { CreatedIds } from "./write-validation.js";

/** What every system's API is built from. */
export interface ApiDeps {
  readonly world: World;
  now(): number;
  readonly limits: SandboxLimits;
  readonly tokenTtlSeconds: number;
  readonly cache: JsonCache;
  readonly ids: CreatedIds;
}

/** One parsed incoming request, body already read. */
export interface SandboxRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** `http://host:port` this server answers on, for absolute links. */
  readonly origin: string;
}

/** A complete answer; servers build these and the HTTP layer writes them. */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** Route parameters captured by a route's pattern (named groups). */
export type RouteParams = Readonly<Record<string, string>>;

export interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  /** Token endpoints are open; everything else must authenticate. */
  readonly open?: boolean;
  /** Writes are journalled and are the only requests `write_validation` faults hit. */
  readonly write?: boolean;
  handle(request: SandboxRequest, params: RouteParams): Reply | Promise<Reply>;
}

/** The vendor's own error bodies, so faults and failures look like the real thing. */
export interface VendorErrors {
  rateLimited(retryAfterSeconds?: number): Reply;
  serverError(status: 500 | 503): Reply;
  unauthorized(): Reply;
  validation(message: string, field?: string): Reply;
  notFound(message: string): Reply;
}

/** One imitated system: its routes, its auth check and its error conventions. */
export interface SystemApi {
  readonly system: SystemName;
  readonly routes: readonly Route[];
  readonly errors: VendorErrors;
  /** Returns a reply to refuse the request, or undefined to let it through. */
  authenticate(request: SandboxRequest): Reply | undefined;
  /** Called for each authenticated request: a reply refuses it (e.g. over a usage limit). */
  admit?(request: SandboxRequest): Reply | undefined;
  /** Requests in flight (arrival to answer) above which the system answers 429 at once. */
  maxConcurrency?: number;
  /** Adds headers every response of the system carries. */
  decorate?(reply: Reply): Reply;
  /** A system's own answer to a fault (e.g. Salesforce's 403 REQUEST_LIMIT_EXCEEDED). */
  faultReply?(fault: Fault, request: SandboxRequest): Reply | undefined;
}

/** Limits the sandbox enforces; every one is configurable for tests. */
export interface SandboxLimits {
  /** Salesforce API requests allowed before 403 REQUEST_LIMIT_EXCEEDED (Sforce-Limit-Info). */
  salesforceApiRequests: number;
  /** Idle time after which a Salesforce query locator expires. */
  salesforceLocatorTtlSeconds: number;
  /** How far back queryAll and getDeleted still see deletions (the recycle bin). */
  salesforceDeletedRetentionDays: number;
  /** NetSuite concurrent requests above which the account answers 429. */
  netsuiteConcurrency: number;
  /** SuiteQL rows one query may page through (offset + limit). */
  netsuiteMaxRowsPerQuery: number;
  /** Workday report rows above which a RaaS call fails like an oversized report. */
  workdayMaxReportRows: number;
  /**
   * The type of the workers report's prompts, as its author chose: `date_time` takes
   * `2026-01-01T00:00:00Z`, `date` takes `2026-01-01` or `2026-01-01-08:00`.
   */
  workdayPromptType: "date_time" | "date";
}

export const DEFAULT_LIMITS: SandboxLimits = {
  salesforceApiRequests: 5_000_000,
  salesforceLocatorTtlSeconds: 900,
  salesforceDeletedRetentionDays: 15,
  netsuiteConcurrency: 10,
  netsuiteMaxRowsPerQuery: 100_000,
  workdayMaxReportRows: 50_000,
  workdayPromptType: "date_time",
};
