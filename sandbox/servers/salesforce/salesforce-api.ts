import { configError } from "../../../core/errors.js";
import { salesforceStamp } from "../../world/calendar.js";
import type { Collection } from "../../world/types.js";
import { parseVendorTime } from "../query/query-model.js";
import { bearerToken, bodyForm, json } from "../reply.js";
import type { ApiDeps, Reply, Route, SandboxRequest, SystemApi } from "../server-types.js";
import { randomSecret, TokenStore } from "../token-store.js";
import { SalesforceDeleteLog } from "./salesforce-delete-log.js";
import { requestLimitExceeded, salesforceErrors, sfError } from "./salesforce-errors.js";
import { SalesforceQueries } from "./salesforce-query.js";
import { SalesforceWrites } from "./salesforce-writes.js";

/** What a client needs to connect (the connected app's client credentials). */
export interface SalesforceCredentials {
  clientId: string;
  clientSecret: string;
}

/** Which objects' delete logs to purge (all when none is named), up to when (default: all of it). */
export interface PurgeSpec {
  objects?: string[];
  throughMs?: number;
}

const V = "/services/data/(?<version>v\\d+\\.\\d)";

/**
 * The REST API versions the sandbox's org serves, as `GET /services/data/` lists them: from
 * v31.0 (Salesforce retired v21.0 to v30.0 in Summer '25) to v66.0 (Spring '26). A call under
 * any other version is answered 404 `NOT_FOUND`, as an org answers one it does not serve.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_versions.htm
 */
const SERVED_API_VERSIONS = { oldest: 31, newest: 66 } as const;

/** `Winter '11` for v20.0: three releases a year, Winter first (named after the next year). */
function releaseLabel(major: number): string {
  const index = major - 20;
  const season = (["Winter", "Spring", "Summer"] as const)[index % 3];
  return `${season} '${String(11 + Math.floor(index / 3)).padStart(2, "0")}`;
}

function servedVersion(version: string | undefined): boolean {
  const match = /^v(\d+)\.0$/.exec(version ?? "");
  const major = Number(match?.[1]);
  return major >= SERVED_API_VERSIONS.oldest && major <= SERVED_API_VERSIONS.newest;
}

/**
 * The Salesforce REST API imitation: OAuth client credentials, query/queryAll with locators,
 * getDeleted, record retrieve and the write calls pslink's reverse-ETL uses.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/intro_rest.htm
 */
export function createSalesforceApi(deps: ApiDeps): {
  api: SystemApi;
  credentials: SalesforceCredentials;
  purgeDeleted: (spec: PurgeSpec) => number;
} {
  const credentials = { clientId: `3MVG9sandbox${randomSecret(9)}`, clientSecret: randomSecret() };
  const tokens = new TokenStore(deps.tokenTtlSeconds, deps.now);
  const deleteLog = new SalesforceDeleteLog(deps);
  const queries = new SalesforceQueries(deps, deleteLog);
  const writes = new SalesforceWrites(deps);
  let used = 0;
  const withObject =
    (
      handle: (collection: Collection, request: SandboxRequest, p: Record<string, string>) => Reply,
    ) =>
    (request: SandboxRequest, p: Readonly<Record<string, string>>): Reply => {
      const collection = queries.object(p.object ?? "");
      if (!collection)
        return sfError(404, "NOT_FOUND", `The requested resource does not exist: ${p.object}`);
      return handle(collection, request, { ...p });
    };

  const routes: Route[] = [
    {
      // Open, as Salesforce's own: what a client checks its version against.
      method: "GET",
      pattern: /^\/services\/data\/?$/,
      open: true,
      handle: () => {
        const versions = [];
        for (let major = SERVED_API_VERSIONS.oldest; major <= SERVED_API_VERSIONS.newest; major++)
          versions.push({
            label: releaseLabel(major),
            url: `/services/data/v${major}.0`,
            version: `${major}.0`,
          });
        return json(200, versions);
      },
    },
    {
      method: "POST",
      pattern: /^\/services\/oauth2\/token$/,
      open: true,
      handle: (request) => {
        const form = bodyForm(request);
        if (form.get("grant_type") !== "client_credentials") {
          return json(400, {
            error: "unsupported_grant_type",
            error_description: "grant type not supported",
          });
        }
        // Salesforce's own wording: an unknown connected app, then a wrong secret.
        if (form.get("client_id") !== credentials.clientId) {
          return json(400, {
            error: "invalid_client_id",
            error_description: "client identifier invalid",
          });
        }
        if (form.get("client_secret") !== credentials.clientSecret) {
          return json(400, {
            error: "invalid_client",
            error_description: "invalid client credentials",
          });
        }
        const issuedAt = String(deps.now());
        const { token } = tokens.issue("00Dsandbox!");
        return json(200, {
          access_token: token,
          instance_url: request.origin,
          id: `${request.origin}/id/00D000000000001EAA/005000000000001AAA`,
          token_type: "Bearer",
          issued_at: issuedAt,
          signature: randomSecret(32),
        });
      },
    },
    {
      method: "GET",
      pattern: new RegExp(`^${V}/query/?$`),
      handle: (r, p) => queries.start(r, p.version ?? "", false),
    },
    {
      method: "GET",
      pattern: new RegExp(`^${V}/queryAll/?$`),
      handle: (r, p) => queries.start(r, p.version ?? "", true),
    },
    {
      method: "GET",
      pattern: new RegExp(`^${V}/query(?:All)?/(?<locator>[A-Za-z0-9]+)-(?<offset>\\d+)$`),
      handle: (r, p) => queries.more(r, p.version ?? "", p.locator ?? "", Number(p.offset)),
    },
    {
      method: "GET",
      pattern: new RegExp(`^${V}/sobjects/(?<object>\\w+)/deleted/?$`),
      handle: withObject((collection, request) => getDeleted(deps, deleteLog, collection, request)),
    },
    {
      method: "GET",
      pattern: new RegExp(`^${V}/sobjects/(?<object>\\w+)/(?<id>\\w+)$`),
      handle: withObject((collection, _request, p) => {
        const record = collection.get(p.id ?? "");
        if (!record) return sfError(404, "NOT_FOUND", "The requested resource does not exist");
        const url = `/services/data/${p.version}/sobjects/${collection.name}/${p.id}`;
        return json(200, { attributes: { type: collection.name, url }, ...record });
      }),
    },
    {
      method: "PATCH",
      write: true,
      pattern: new RegExp(`^${V}/composite/sobjects$`),
      handle: (request) => writes.collectionUpdate(request, (name) => queries.object(name)),
    },
    {
      method: "PATCH",
      write: true,
      pattern: new RegExp(`^${V}/sobjects/(?<object>\\w+)/(?<id>\\w+)$`),
      handle: withObject((collection, request, p) =>
        writes.update(collection, p.id ?? "", request),
      ),
    },
    {
      method: "PATCH",
      write: true,
      pattern: new RegExp(`^${V}/sobjects/(?<object>\\w+)/(?<field>\\w+)/(?<value>[^/]+)$`),
      handle: withObject((collection, request, p) =>
        writes.upsert(collection, p.field ?? "", p.value ?? "", request),
      ),
    },
  ];

  const api: SystemApi = {
    system: "salesforce",
    routes: routes.map(servedOnly),
    errors: salesforceErrors,
    authenticate: (request) =>
      tokens.valid(bearerToken(request)) ? undefined : salesforceErrors.unauthorized(),
    admit: (request) => {
      if (request.path.startsWith("/services/oauth2/")) return undefined;
      used += 1;
      return used > deps.limits.salesforceApiRequests ? requestLimitExceeded() : undefined;
    },
    decorate: (reply) => ({
      ...reply,
      headers: {
        ...reply.headers,
        "sforce-limit-info": `api-usage=${Math.min(used, deps.limits.salesforceApiRequests)}/${deps.limits.salesforceApiRequests}`,
      },
    }),
    faultReply: (fault, request) => {
      if (fault.kind === "sf_request_limit") return requestLimitExceeded();
      if (fault.kind === "expired_locator") {
        const match = /\/query(?:All)?\/([A-Za-z0-9]+)-\d+$/.exec(request.path);
        return queries.expire(match?.[1] ?? "");
      }
      return undefined;
    },
  };
  /** Empties the delete log early, as an administrator emptying the recycle bin does. */
  const purgeDeleted = (spec: PurgeSpec): number => {
    const named = spec.objects?.map((name) => {
      const collection = queries.object(name);
      if (!collection) throw configError(`the sandbox has no Salesforce object ${name}`);
      return collection;
    });
    return deleteLog.purge(named ?? deps.world.collections("salesforce"), spec.throughMs);
  };
  return { api, credentials, purgeDeleted };
}

/** A versioned route answers only under a version the org serves; 404 under any other. */
function servedOnly(route: Route): Route {
  if (!route.pattern.source.includes("(?<version>")) return route;
  return {
    ...route,
    handle: (request, params) =>
      servedVersion(params.version)
        ? route.handle(request, params)
        : sfError(404, "NOT_FOUND", "The requested resource does not exist"),
  };
}

/**
 * `GET /sobjects/<Object>/deleted/?start=&end=`: the delete log's entries in the range, with
 * `earliestDateAvailable` (the newest deletion purged from the log) and `latestDateCovered` (the
 * end, down to the minute: the next call starts there).
 */
function getDeleted(
  deps: ApiDeps,
  log: SalesforceDeleteLog,
  collection: Collection,
  request: SandboxRequest,
): Reply {
  const start = parseVendorTime((request.query.get("start") ?? "").replace(" ", "+"));
  const end = parseVendorTime((request.query.get("end") ?? "").replace(" ", "+"));
  if (Number.isNaN(start) || Number.isNaN(end) || end < start) {
    return sfError(
      400,
      "INVALID_REPLICATION_DATE",
      "start and end must be ISO 8601 datetimes with start before end",
    );
  }
  const found = [...log.entries(collection, { fromMs: start, toMs: end })];
  found.sort((a, b) => a.deletedMs - b.deletedMs);
  return json(200, {
    deletedRecords: found.map((d) => ({ id: d.id, deletedDate: salesforceStamp(d.deletedMs) })),
    earliestDateAvailable: salesforceStamp(log.earliestAvailableMs(collection)),
    latestDateCovered: salesforceStamp(Math.floor(Math.min(end, deps.now()) / 60_000) * 60_000),
  });
}
