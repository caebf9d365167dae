import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseEnv } from "node:util";
import { stringify } from "yaml";
import { DOMAINS, TARGET_SYSTEMS } from "../core/config/governance-schema.js";
import { configError } from "../core/errors.js";
import type { SandboxHandle } from "./sandbox.js";

/** The steward the sandbox config names, allowed to approve every domain. */
export const SANDBOX_STEWARD = "demo-steward";

/** A `${VAR}` reference as the config file spells it. */
const ref = (name: string): string => `\${${name}}`;

/** The files `--write-config DIR` writes, by role. */
export interface WrittenSandboxConfig {
  config: string;
  env: string;
  groundTruth: string;
}

/**
 * Writes `pslink.yml` (every source pointing at this sandbox, DuckDB beside it), the `.env`
 * holding its secrets, and `ground-truth.json`, so `pslink --config DIR/pslink.yml` just works.
 */
export function writeSandboxConfig(handle: SandboxHandle, dir: string): WrittenSandboxConfig {
  const folder = resolve(dir);
  checkSandboxConfigFolder(folder);
  mkdirSync(folder, { recursive: true });
  const { salesforce, netsuite, kantata, workday } = handle.credentials;
  const { urls } = handle;
  const env: Record<string, string> = {
    PSLINK_SANDBOX_SALESFORCE_CLIENT_SECRET: salesforce.clientSecret,
    PSLINK_SANDBOX_NETSUITE_PRIVATE_KEY: netsuite.privateKeyPem,
    PSLINK_SANDBOX_KANTATA_TOKEN: kantata.token,
    PSLINK_SANDBOX_WORKDAY_PASSWORD: workday.password,
  };
  // Loopback has no vendor quota: a budget this size keeps the sandbox from throttling syncs.
  const http = { requests_per_second: 1000, max_concurrency: 8 };
  // The world's records were modified within the year before now: start there, not in 2000.
  const start_date = new Date(Date.now() - 400 * 86_400_000).toISOString().slice(0, 10);
  const config = {
    version: 1,
    project: "pslink-sandbox",
    warehouse: { kind: "duckdb", path: "warehouse.duckdb" },
    sources: {
      salesforce: {
        base_url: urls.salesforce,
        api_version: "v60.0",
        auth: {
          kind: "oauth2_client_credentials",
          token_url: `${urls.salesforce}/services/oauth2/token`,
          client_id: salesforce.clientId,
          client_secret: ref("PSLINK_SANDBOX_SALESFORCE_CLIENT_SECRET"),
        },
        http,
        start_date,
      },
      netsuite: {
        base_url: urls.netsuite,
        account_id: netsuite.accountId,
        account_timezone: netsuite.accountTimeZone,
        auth: {
          kind: "oauth2_jwt",
          token_url: `${urls.netsuite}/services/rest/auth/oauth2/v1/token`,
          client_id: netsuite.clientId,
          certificate_id: netsuite.certificateId,
          private_key: ref("PSLINK_SANDBOX_NETSUITE_PRIVATE_KEY"),
          algorithm: netsuite.algorithm,
          scope: netsuite.scope,
        },
        max_rows_per_query: handle.limits.netsuiteMaxRowsPerQuery,
        http,
        start_date,
      },
      kantata: {
        base_url: `${urls.kantata}/api/v1`,
        auth: { kind: "bearer", token: ref("PSLINK_SANDBOX_KANTATA_TOKEN") },
        http,
        start_date,
      },
      workday: {
        base_url: urls.workday,
        tenant: workday.tenant,
        mode: "raas",
        report: { owner: workday.reportOwner, name: workday.reportName },
        auth: {
          kind: "basic",
          username: workday.username,
          password: ref("PSLINK_SANDBOX_WORKDAY_PASSWORD"),
        },
        http,
        start_date,
      },
    },
    // The sandbox has no business hours: write windows open every hour for an hour (always
    // open), and one demo steward may approve every domain.
    governance: {
      stewards: [{ name: SANDBOX_STEWARD, domains: [...DOMAINS] }],
      rate_limits: Object.fromEntries(
        TARGET_SYSTEMS.map((target) => [target, { requests_per_second: 50 }]),
      ),
      windows: Object.fromEntries(
        TARGET_SYSTEMS.map((target) => [
          target,
          { start: "0 * * * *", duration: "1h", timezone: "UTC" },
        ]),
      ),
    },
  };
  const written = {
    config: join(folder, "pslink.yml"),
    env: join(folder, ".env"),
    groundTruth: join(folder, "ground-truth.json"),
  };
  const header =
    `${CONFIG_HEADER} every source points at the local sandbox.\n` +
    "# Secrets are PSLINK_SANDBOX_* environment references, resolved from the .env file beside it.\n";
  writeFileSync(
    written.config,
    header + stringify(config, { lineWidth: 0, aliasDuplicateObjects: false }),
  );
  const envText = Object.entries(env)
    .map(([name, value]) => `${name}=${value.includes("\n") ? `"${value.trim()}"` : value}`)
    .join("\n");
  writeFileSync(written.env, `${envText}\n`, { mode: 0o600 });
  chmodSync(written.env, 0o600);
  writeFileSync(written.groundTruth, `${JSON.stringify(handle.world.groundTruth(), null, 2)}\n`);
  return written;
}

/** How a config the sandbox wrote begins: only such a file is written over. */
const CONFIG_HEADER = "# Written by `pslink sandbox start --write-config`:";

/**
 * Refuses a folder whose pslink.yml or .env the sandbox did not write (a project's own config
 * and secrets), before anything is started or written: the sandbox writes over only its own.
 */
export function checkSandboxConfigFolder(dir: string): void {
  const folder = resolve(dir);
  const config = join(folder, "pslink.yml");
  const env = join(folder, ".env");
  const foreign = [
    existsSync(config) && !readFileSync(config, "utf8").startsWith(CONFIG_HEADER) && config,
    existsSync(env) &&
      Object.keys(parseEnv(readFileSync(env, "utf8"))).some(
        (name) => !name.startsWith("PSLINK_SANDBOX_"),
      ) &&
      env,
  ].filter((file): file is string => typeof file === "string");
  if (foreign.length > 0) {
    throw configError(
      `${foreign.join(" and ")} ${foreign.length === 1 ? "was" : "were"} not written by the sandbox: it will not write over ${foreign.length === 1 ? "it" : "them"}`,
      { hint: "pass --write-config an empty folder, or one the sandbox wrote before" },
    );
  }
}
