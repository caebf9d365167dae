import type { Server } from "node:http";
import { createAdminApi } from "./servers/admin-api.js";
import { FaultInjector } from "./servers/fault-injector.js";
import { JsonCache } from "./servers/json-cache.js";
import { createKantataApi, type KantataCredentials } from "./servers/kantata/kantata-api.js";
import { accountZone, UTC_ZONE } from "./servers/netsuite/account-zone.js";
import { createNetsuiteApi, type NetsuiteCredentials } from "./servers/netsuite/netsuite-api.js";
import { RequestLog, WriteJournal } from "./servers/request-log.js";
import {
  createSalesforceApi,
  type SalesforceCredentials,
} from "./servers/salesforce/salesforce-api.js";
import {
  type ApiDeps,
  DEFAULT_LIMITS,
  type SandboxLimits,
  type SystemApi,
} from "./servers/server-types.js";
import { type ServerContext, startSystemServer } from "./servers/system-server.js";
import { createWorkdayApi, type WorkdayCredentials } from "./servers/workday/workday-api.js";
import { CreatedIds } from "./servers/write-validation.js";
import type { SandboxSize, SystemName } from "./world/types.js";
import { createWorld, type World } from "./world/world.js";

export type { Fault, FaultKind, FaultSpec } from "./servers/fault-injector.js";
export type { RequestCount, WriteEntry } from "./servers/request-log.js";
export type { SandboxLimits } from "./servers/server-types.js";

export interface SandboxOptions {
  size: SandboxSize;
  seed: number;
  /** Business date the data is anchored to (YYYY-MM-DD); default today (UTC). */
  asOf?: string;
  /** Interface to listen on; the admin API only answers loopback clients. */
  host?: string;
  /** Port per system; 0 or absent picks a free one. */
  ports?: Partial<Record<SystemName, number>>;
  /** Lifetime of issued access tokens (Salesforce, NetSuite, Workday OAuth). */
  tokenTtlSeconds?: number;
  limits?: Partial<SandboxLimits>;
  /** The sandbox clock (modified times of writes and mutations); default now, to the second. */
  now?: () => number;
  /**
   * The NetSuite integration user's time zone (default UTC): SuiteQL shows date-times and reads
   * `TO_TIMESTAMP` literals in it. `repeated`: the instant a literal in the hour a fall-back night
   * repeats is read as (default the later; NetSuite does not document it).
   */
  netsuiteZone?: { name: string; repeated?: "earlier" | "later" };
}

/** Everything pslink needs to connect to each imitated system. */
export interface SandboxCredentials {
  salesforce: SalesforceCredentials;
  netsuite: NetsuiteCredentials;
  kantata: KantataCredentials;
  workday: WorkdayCredentials;
}

export interface SandboxHandle {
  /** Root URL of each system's server (Kantata's API lives under `/api/v1`). */
  readonly urls: Record<SystemName, string>;
  readonly world: World;
  readonly credentials: SandboxCredentials;
  readonly faults: FaultInjector;
  readonly requestLog: RequestLog;
  readonly writes: WriteJournal;
  readonly limits: SandboxLimits;
  close(): Promise<void>;
}

const SYSTEMS: readonly SystemName[] = ["salesforce", "netsuite", "kantata", "workday"];

/** Builds a world and serves the four vendor APIs over it, one loopback server per system. */
export async function startSandbox(options: SandboxOptions): Promise<SandboxHandle> {
  const now = options.now ?? (() => Math.floor(Date.now() / 1000) * 1000);
  const cache = new JsonCache();
  const world = resettingCache(
    createWorld({
      size: options.size,
      seed: options.seed,
      now,
      ...(options.asOf === undefined ? {} : { asOf: options.asOf }),
    }),
    cache,
  );
  warmIndexes(world);
  const limits: SandboxLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const deps: ApiDeps = {
    world,
    now,
    limits,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
    cache,
    ids: new CreatedIds(),
  };
  const salesforce = createSalesforceApi(deps);
  const netsuite = await createNetsuiteApi(
    deps,
    options.netsuiteZone === undefined
      ? UTC_ZONE
      : accountZone(options.netsuiteZone.name, options.netsuiteZone.repeated ?? "later"),
  );
  const kantata = createKantataApi(deps);
  const workday = createWorkdayApi(deps);
  const apis: Record<SystemName, SystemApi> = {
    salesforce: salesforce.api,
    netsuite: netsuite.api,
    kantata: kantata.api,
    workday: workday.api,
  };
  const urls = {} as Record<SystemName, string>;
  const faults = new FaultInjector();
  const requestLog = new RequestLog();
  const writes = new WriteJournal();
  const context: ServerContext = {
    faults,
    requests: requestLog,
    writes,
    now,
    admin: createAdminApi({
      world,
      faults,
      requests: requestLog,
      writes,
      urls: () => urls,
      purgeSalesforceDeleted: salesforce.purgeDeleted,
    }),
  };
  const host = options.host ?? "127.0.0.1";
  const servers: Server[] = [];
  try {
    for (const system of SYSTEMS) {
      const running = await startSystemServer(
        apis[system],
        context,
        host,
        options.ports?.[system] ?? 0,
      );
      servers.push(running.server);
      urls[system] = running.url;
    }
  } catch (error) {
    await Promise.all(servers.map(closeServer));
    throw error;
  }
  return {
    urls,
    world,
    credentials: {
      salesforce: salesforce.credentials,
      netsuite: netsuite.credentials,
      kantata: kantata.credentials,
      workday: workday.credentials,
    },
    faults,
    requestLog,
    writes,
    limits,
    close: async () => {
      await Promise.all(servers.map(closeServer));
    },
  };
}

/** The world, with its mutations dropping the served-text cache (they may edit records in place). */
function resettingCache(world: World, cache: JsonCache): World {
  const after =
    <A extends unknown[], R>(fn: (...args: A) => R) =>
    (...args: A): R => {
      const result = fn(...args);
      cache.reset();
      return result;
    };
  return {
    ...world,
    advance: after(world.advance),
    fix: after(world.fix),
    breakRecords: after(world.breakRecords),
    repairRecords: after(world.repairRecords),
  };
}

/** Builds each collection's indexes before the first request (seconds on the large preset). */
function warmIndexes(world: World): void {
  for (const system of SYSTEMS) {
    for (const collection of world.collections(system)) {
      for (const _ of collection.scan({ fromMs: Number.POSITIVE_INFINITY })) break;
      for (const _ of collection.scanByKey({ afterKey: "\uffff" })) break;
    }
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
