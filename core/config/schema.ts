import { basename } from "node:path";
import { z } from "zod";
import { schedulesSchema } from "../../orchestration/scheduler/schedules-schema.js";
import { governanceSchema } from "./governance-schema.js";
import { secret, text } from "./primitives.js";
import { sourcesSchema } from "./sources-schema.js";

/** Schemas pslink creates; a DuckDB file named like one of them makes `schema.table` ambiguous. */
const RESERVED_CATALOGS =
  /^(pslink|staging|intermediate|canonical|reconciliation|marts|proposals|raw_.*|src_.*)$/i;

const duckdbWarehouse = z.strictObject({
  kind: z.literal("duckdb"),
  /** The DuckDB file; relative paths are read from the config file's folder. */
  path: text()
    .default("warehouse.duckdb")
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
  /** A full connection URL (it holds the password, so it is a secret). */
  url: secret().optional(),
  host: text().optional(),
  port: z.number().int().positive().default(5432),
  database: text().optional(),
  user: text().optional(),
  password: secret().optional(),
  ssl: z.boolean().default(false),
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

export type PslinkConfig = z.infer<typeof configSchema> & {
  /** Folder of the config file; relative paths in the config are read from here. */
  readonly baseDir: string;
  /** Path of the config file that was loaded. */
  readonly file: string;
};
export type WarehouseConfig = PslinkConfig["warehouse"];
export type DuckdbWarehouseConfig = z.infer<typeof duckdbWarehouse>;
export type PostgresWarehouseConfig = z.infer<typeof postgresWarehouse>;
