import { homedir } from "node:os";
import { basename, join } from "node:path";
import { z } from "zod";
import { schedulesSchema } from "../../orchestration/scheduler/schedules-schema.js";
import { governanceSchema } from "./governance-schema.js";
import { postgresSsl, SSL_MODES, type SslMode } from "./postgres-ssl.js";
import { secret, secretUrl, text } from "./primitives.js";
import { sourcesSchema } from "./sources-schema.js";

/** Schemas pslink creates; a DuckDB file named like one of them makes `schema.table` ambiguous. */
const RESERVED_CATALOGS =
  /^(pslink|staging|intermediate|canonical|reconciliation|marts|proposals|raw_.*|src_.*)$/i;

/**
 * The DuckDB file as written: `~/…` is the user's home folder (as a shell reads it, where a
 * literal `~` folder would surprise everyone); an empty path or `:memory:` (a warehouse gone when
 * the command ends) is refused.
 */
function duckdbPath(path: string, ctx: z.RefinementCtx): string {
  const written = path.trim();
  const problem =
    written === ""
      ? "must not be empty: write the DuckDB file, e.g. warehouse.duckdb (read from the config file's folder)"
      : written === ":memory:"
        ? "an in-memory DuckDB keeps nothing once the command ends: write a file, e.g. warehouse.duckdb"
        : /^~[^/]/.test(written)
          ? "pslink reads ~ only as your own home folder (~/…): write the other folder's path in full"
          : undefined;
  if (problem) {
    ctx.addIssue({ code: "custom", message: problem });
    return z.NEVER;
  }
  return /^~(\/|$)/.test(written) ? join(homedir(), written.slice(1)) : path;
}

const duckdbWarehouse = z.strictObject({
  kind: z.literal("duckdb"),
  /** The DuckDB file; relative paths are read from the config file's folder. */
  path: text()
    .default("warehouse.duckdb")
    .transform(duckdbPath)
    .refine((path) => !RESERVED_CATALOGS.test(basename(path).replace(/\.[^.]*$/, "")), {
      message:
        "DuckDB names the database after the file, and this name is also one of pslink's schemas (pslink, staging, intermediate, canonical, reconciliation, marts, proposals, raw_*, src_*), which makes table names ambiguous: choose another file name, e.g. warehouse.duckdb",
    }),
  threads: z.number().int().positive().optional(),
  memory_limit: z
    .string()
    .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/, {
      message: "write a size such as 512MB or 2GB",
    })
    .optional(),
});

const postgresWarehouse = z.strictObject({
  kind: z.literal("postgres"),
  /** A full connection URL (it holds the password, so it is a secret: `secretUrl`). */
  url: secretUrl().optional(),
  host: text().optional(),
  port: z.number().int().positive().default(5432),
  database: text().optional(),
  user: text().optional(),
  password: secret().optional(),
  /** `postgres-ssl.ts`: false/`disable`, true/`require`, `verify-ca` or `verify-full`. */
  ssl: z
    .union([z.boolean(), z.string()])
    .default(false)
    .transform((value, ctx): SslMode => {
      if (value === true) return "require";
      if (value === false) return "disable";
      const mode = SSL_MODES.find((known) => known === value);
      if (mode) return mode;
      ctx.addIssue({
        code: "custom",
        message: `"${value}" is not an ssl mode: write true (encrypted), verify-ca or verify-full (the server's certificate checked), or false`,
      });
      return z.NEVER;
    }),
  /** PEM file of the CA that signed the server's certificate; relative to the config's folder. */
  ssl_root_cert: text().optional(),
  /** PEM files of pslink's client certificate and its private key (certificate sign-in). */
  ssl_cert: text().optional(),
  ssl_key: text().optional(),
  /** Passphrase of an encrypted `ssl_key`. */
  ssl_key_password: secret().optional(),
  pool_size: z.number().int().positive().default(4),
});

const warehouse = z.discriminatedUnion("kind", [duckdbWarehouse, postgresWarehouse], {
  error: () => 'warehouse.kind must be "duckdb" (the embedded default) or "postgres"',
});

/** The whole `pslink.yml`. Later sections (governance, schedules) extend this schema. */
export const configSchema = z
  .strictObject({
    version: z.literal(1, { error: () => "write version: 1 (the only config version so far)" }),
    project: z.string().default("pslink"),
    warehouse: warehouse.prefault({ kind: "duckdb" }),
    sources: sourcesSchema,
    governance: governanceSchema,
    schedules: schedulesSchema,
  })
  .superRefine((config, ctx) => {
    // A first sync from a future date reads nothing yet sets the cursor to now: the records
    // from the real start would never be read without --full-refresh.
    const { warehouse } = config;
    if (warehouse.kind === "postgres") {
      const problem = postgresTargetProblem(warehouse);
      if (problem) ctx.addIssue({ code: "custom", ...problem });
    }
    // A schedule's sync of a source the config does not have would fail only when it fires.
    const configured = Object.keys(config.sources);
    for (const [name, job] of Object.entries(config.schedules.jobs)) {
      job.steps.forEach((step, index) => {
        if (step.kind !== "sync") return;
        for (const source of step.sources ?? []) {
          if (configured.includes(source)) continue;
          ctx.addIssue({
            code: "custom",
            path: ["schedules", "jobs", name, "steps", index, "sources"],
            message: `${source} is not configured under sources (configured: ${configured.join(", ") || "none"})`,
          });
        }
      });
    }
    const today = new Date().toISOString().slice(0, 10);
    for (const [name, source] of Object.entries(config.sources)) {
      if (source && source.start_date > today)
        ctx.addIssue({
          code: "custom",
          path: ["sources", name, "start_date"],
          message: `${source.start_date} is in the future (today is ${today} UTC): write the date the data should start from`,
        });
    }
  });

/** Written so that redaction leaves it readable (`scheme://user:password@` is masked). */
const POSTGRES_URL_FORM =
  "postgres://host:5432/database, with user:password@ after the postgres:// (or host, database, user and password as keys)";

/**
 * What stops a PostgreSQL warehouse config from naming a server: a url that does not parse, or
 * no url and not all of host, database and user. Checked when the config is read, and again by
 * the driver's settings for a config built in code.
 */
export function postgresTargetProblem(
  warehouse: z.infer<typeof postgresWarehouse>,
): { path: string[]; message: string } | undefined {
  if (warehouse.url) {
    let url: URL;
    try {
      url = new URL(warehouse.url.reveal());
    } catch {
      return {
        path: ["warehouse", "url"],
        message: `is not a valid URL: write ${POSTGRES_URL_FORM}`,
      };
    }
    if (!/^postgres(ql)?:$/.test(url.protocol))
      return {
        path: ["warehouse", "url"],
        message: `must start with postgres://, not ${url.protocol}//`,
      };
    const unread = unreadUrlParameters(url);
    if (unread) return { path: ["warehouse", "url"], message: unread };
    // Each part is percent-decoded: a `%` not followed by two hex digits (a password pasted
    // as it is) would otherwise fail at connect time as "URI malformed".
    const undecodable = (["username", "password", "pathname"] as const).find((part) => {
      try {
        decodeURIComponent(url[part]);
        return false;
      } catch {
        return true;
      }
    });
    if (undecodable)
      return {
        path: ["warehouse", "url"],
        message: `has a % in its ${undecodable === "pathname" ? "database" : undecodable} that is not followed by two hex digits: write % as %25 (and @ : / ? # in a user or password as %40 %3A %2F %3F %23)`,
      };
  }
  const ssl = postgresSsl(warehouse);
  if ("problem" in ssl) return { path: ["warehouse", ssl.key], message: ssl.problem };
  if (warehouse.url) return undefined;
  const missing = (["host", "database", "user"] as const).filter((key) => !warehouse[key]);
  return missing.length === 0
    ? undefined
    : {
        path: ["warehouse"],
        message: `PostgreSQL needs ${missing.join(", ")} (or a url): set url: \${PSLINK_PG_URL}, or host, database, user and password`,
      };
}

/** The url parameters pslink reads (`postgres-ssl.ts`); the driver would pass over any other. */
const URL_PARAMETERS = new Set(["sslmode", "sslrootcert", "sslcert", "sslkey"]);

/** What to do about url parameters pslink would not read (named, their values never shown). */
function unreadUrlParameters(url: URL): string | undefined {
  const unread = [...new Set(url.searchParams.keys())].filter((key) => !URL_PARAMETERS.has(key));
  if (unread.length === 0) return undefined;
  const names = unread.join(", ");
  if (unread.includes("sslpassword"))
    return `${names}: write the key's passphrase as warehouse.ssl_key_password: \${PG_KEY_PASSWORD} (an environment variable), not in the url`;
  return `pslink reads only sslmode, sslrootcert, sslcert and sslkey after the ?, and would pass over ${names}: remove ${unread.length === 1 ? "it" : "them"}`;
}

export type PslinkConfig = z.infer<typeof configSchema> & {
  /** Folder of the config file; relative paths in the config are read from here. */
  readonly baseDir: string;
  /** Path of the config file that was loaded. */
  readonly file: string;
};
export type WarehouseConfig = PslinkConfig["warehouse"];
export type DuckdbWarehouseConfig = z.infer<typeof duckdbWarehouse>;
export type PostgresWarehouseConfig = z.infer<typeof postgresWarehouse>;
