import { z } from "zod";
import { PslinkError } from "../../core/errors.js";
import { RULE_IDS, type RuleId } from "../../core/rules.js";
import type { SystemName } from "../world/types.js";
import type { World } from "../world/world.js";
import type { FaultInjector } from "./fault-injector.js";
import { bodyJson, empty, json } from "./reply.js";
import type { RequestLog, WriteJournal } from "./request-log.js";
import type { Reply, SandboxRequest } from "./server-types.js";

const SYSTEMS = ["salesforce", "netsuite", "kantata", "workday"] as const;
const RULES = RULE_IDS as [RuleId, ...RuleId[]];
const count = z.number().int().nonnegative().optional();
const advanceSchema = z.strictObject({
  inserts: count,
  updates: count,
  backdated: count,
  deletes: count,
  lateArrivals: count,
});
const fixSchema = z.strictObject({
  rule: z.enum(RULES).optional(),
  caseIds: z.array(z.string()).optional(),
  count,
});
const breakSchema = z.strictObject({
  system: z.enum(SYSTEMS),
  collection: z.string(),
  count: z.number().int().positive(),
});
const repairSchema = z.strictObject({ ids: z.array(z.string()) });
const purgeSchema = z.strictObject({
  objects: z.array(z.string()).optional(),
  through: z.iso.datetime({ offset: true }).optional(),
});

export interface AdminDeps {
  world: World;
  faults: FaultInjector;
  requests: RequestLog;
  writes: WriteJournal;
  urls(): Record<SystemName, string>;
  /** Empties Salesforce delete logs early (recycle bin emptied); returns the entries purged. */
  purgeSalesforceDeleted(spec: { objects?: string[]; throughMs?: number }): number;
}

/** The `/__sandbox/*` admin API, served by every system's server (loopback only, no auth). */
export function createAdminApi(deps: AdminDeps): (request: SandboxRequest) => Promise<Reply> {
  const { world, faults, requests, writes } = deps;
  return async (request) => {
    const route = `${request.method} ${request.path.replace(/\/+$/, "")}`;
    const body = bodyJson(request) ?? {};
    const system = (request.query.get("system") ?? undefined) as SystemName | undefined;
    try {
      switch (route) {
        case "GET /__sandbox":
        case "GET /__sandbox/urls":
          return json(200, deps.urls());
        case "POST /__sandbox/faults":
          return json(201, faults.add(body as Parameters<FaultInjector["add"]>[0]));
        case "GET /__sandbox/faults":
          return json(200, faults.list());
        case "DELETE /__sandbox/faults":
          faults.clear();
          return empty(204);
        case "GET /__sandbox/ground-truth":
          return json(200, world.groundTruth());
        case "POST /__sandbox/advance":
          return json(200, world.advance(advanceSchema.parse(body)));
        case "POST /__sandbox/fix":
          return json(200, { fixed: world.fix(fixSchema.parse(body)) });
        case "POST /__sandbox/break":
          return json(200, { broken: world.breakRecords(breakSchema.parse(body)) });
        case "POST /__sandbox/repair":
          return json(200, { repaired: world.repairRecords(repairSchema.parse(body).ids) });
        case "POST /__sandbox/salesforce/purge-deleted": {
          const { objects, through } = purgeSchema.parse(body);
          const spec = { objects, ...(through ? { throughMs: Date.parse(through) } : {}) };
          return json(200, { purged: deps.purgeSalesforceDeleted(spec) });
        }
        case "GET /__sandbox/requests": {
          const filter = { ...(system ? { system } : {}), ...pathFilter(request) };
          return json(200, { total: requests.count(filter), entries: requests.entries(filter) });
        }
        case "DELETE /__sandbox/requests":
          requests.clear();
          return empty(204);
        case "GET /__sandbox/writes":
          return json(200, {
            writes: writes.entries({ ...(system ? { system } : {}), ...pathFilter(request) }),
          });
        case "DELETE /__sandbox/writes":
          writes.clear();
          return empty(204);
        default:
          return json(404, { error: `no admin route ${route}` });
      }
    } catch (error) {
      if (error instanceof z.ZodError) return json(400, { error: z.prettifyError(error) });
      if (error instanceof PslinkError)
        return json(400, { error: error.message, hint: error.hint });
      throw error;
    }
  };
}

function pathFilter(request: SandboxRequest): { path?: string } {
  const path = request.query.get("path");
  return path === null ? {} : { path };
}
