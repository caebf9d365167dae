import type { Condition } from "../query/query-model.js";
import { runQuery } from "../query/query-plan.js";
import { bearerToken, bodyForm, intParam, json, jsonText } from "../reply.js";
import type { ApiDeps, Reply, Route, SandboxRequest, SystemApi } from "../server-types.js";
import { randomSecret, TokenStore } from "../token-store.js";
import { decodeBasic, wdError, workdayErrors } from "./workday-errors.js";
import { parsePrompt, reportRow, restWorker } from "./workday-rows.js";

/**
 * Basic auth for the integration system user (RaaS), whose user name is `<user>@<tenant>`, or
 * an OAuth refresh token (RaaS and REST).
 */
export interface WorkdayCredentials {
  tenant: string;
  username: string;
  password: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  reportOwner: string;
  reportName: string;
}

const MAX_REST_LIMIT = 100;

/**
 * The Workday imitation: a worker report over RaaS (prompts filter Last_Updated, no paging,
 * oversized pulls fail) and the REST workers list.
 * @see https://doc.workday.com/admin-guide/en-us/integrations/reports-as-a-service.html
 */
export function createWorkdayApi(deps: ApiDeps): {
  api: SystemApi;
  credentials: WorkdayCredentials;
} {
  const credentials: WorkdayCredentials = {
    tenant: "pslink_sandbox",
    username: "ISU_PSLINK@pslink_sandbox",
    password: randomSecret(),
    clientId: randomSecret(12),
    clientSecret: randomSecret(),
    refreshToken: randomSecret(32),
    reportOwner: "ISU_PSLINK",
    reportName: "PSLINK_Workers",
  };
  const tokens = new TokenStore(deps.tokenTtlSeconds, deps.now);
  const workers = () => deps.world.collection("workday", "workers");
  const tenantOk = (p: Readonly<Record<string, string>>) => p.tenant === credentials.tenant;

  const report = (request: SandboxRequest, p: Readonly<Record<string, string>>): Reply => {
    if (
      !tenantOk(p) ||
      p.owner !== credentials.reportOwner ||
      p.report !== credentials.reportName
    ) {
      return workdayErrors.notFound(
        `report ${p.owner}/${p.report} not found in tenant ${p.tenant}`,
      );
    }
    if (request.query.get("format") !== "json") {
      return workdayErrors.validation("the sandbox serves reports as format=json only", "format");
    }
    const where: Condition[] = [];
    for (const [prompt, op] of [
      ["Updated_From", ">="],
      ["Updated_To", "<"],
    ] as const) {
      const raw = request.query.get(prompt);
      if (raw === null) continue;
      const type = deps.limits.workdayPromptType;
      const ms = parsePrompt(raw, type);
      if (Number.isNaN(ms)) {
        const expected = type === "date" ? "a date" : "a date and time";
        return workdayErrors.validation(`${raw} is not ${expected}`, prompt);
      }
      where.push({ field: "Last_Updated", op, value: { kind: "time", ms } });
    }
    const collection = workers();
    const rows = runQuery(
      collection,
      where,
      [{ field: collection.modifiedField, descending: false }],
      {
        precisionMs: 1,
      },
    );
    if (rows.length > deps.limits.workdayMaxReportRows) {
      return wdError(
        500,
        `Processing error occurred. The report exceeds the maximum of ${deps.limits.workdayMaxReportRows} rows; narrow the prompts.`,
      );
    }
    const entries = rows.map((r) =>
      deps.cache.text("wd|raas", r, collection.modifiedField, reportRow),
    );
    return jsonText(200, `{"Report_Entry":[${entries.join(",")}]}`);
  };

  const restWorkers = (request: SandboxRequest, p: Readonly<Record<string, string>>): Reply => {
    if (!tenantOk(p)) return workdayErrors.notFound(`tenant ${p.tenant} not found`);
    const limit = intParam(request.query, "limit") ?? 20;
    const offset = intParam(request.query, "offset") ?? 0;
    if (
      Number.isNaN(limit) ||
      limit < 1 ||
      limit > MAX_REST_LIMIT ||
      Number.isNaN(offset) ||
      offset < 0
    ) {
      return workdayErrors.validation(
        `limit must be 1..${MAX_REST_LIMIT} and offset at least 0`,
        "limit",
      );
    }
    // The live list, as Workday pages it: a worker removed while a client pages shifts the rest.
    const rows = [...workers().scanByKey()];
    const managers = new Set(rows.map((r) => String(r.Manager_ID)));
    const listUrl = `${request.origin}/ccx/api/v1/${credentials.tenant}/workers`;
    const data = rows.slice(offset, offset + limit).map((r) => restWorker(r, listUrl, managers));
    return json(200, { total: rows.length, data });
  };

  const routes: Route[] = [
    {
      method: "POST",
      pattern: /^\/ccx\/oauth2\/(?<tenant>\w+)\/token$/,
      open: true,
      handle: (request, p) => {
        const form = bodyForm(request);
        const basic = decodeBasic(request);
        const clientId = form.get("client_id") ?? basic?.user;
        const clientSecret = form.get("client_secret") ?? basic?.password;
        if (
          !tenantOk(p) ||
          clientId !== credentials.clientId ||
          clientSecret !== credentials.clientSecret
        ) {
          return json(401, { error: "invalid_client" });
        }
        if (
          form.get("grant_type") !== "refresh_token" ||
          form.get("refresh_token") !== credentials.refreshToken
        ) {
          return json(400, { error: "invalid_grant" });
        }
        const { token, expiresInSeconds } = tokens.issue("wd.");
        return json(200, {
          access_token: token,
          token_type: "Bearer",
          expires_in: expiresInSeconds,
          refresh_token: credentials.refreshToken,
        });
      },
    },
    {
      method: "GET",
      pattern:
        /^\/ccx\/service\/customreport2\/(?<tenant>[^/]+)\/(?<owner>[^/]+)\/(?<report>[^/]+)$/,
      handle: report,
    },
    { method: "GET", pattern: /^\/ccx\/api\/v1\/(?<tenant>\w+)\/workers$/, handle: restWorkers },
  ];

  const api: SystemApi = {
    system: "workday",
    routes,
    errors: workdayErrors,
    authenticate: (request) => {
      const basic = decodeBasic(request);
      if (basic) {
        return basic.user === credentials.username && basic.password === credentials.password
          ? undefined
          : workdayErrors.unauthorized();
      }
      return tokens.valid(bearerToken(request)) ? undefined : workdayErrors.unauthorized();
    },
  };
  return { api, credentials };
}
