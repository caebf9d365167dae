import { z } from "zod";
import { baseUrl, duration, secret, text } from "./primitives.js";

/** Shared HTTP behaviour of one source tenant: one rate budget for all its streams. */
const http = z
  .strictObject({
    requests_per_second: z.number().positive().default(10),
    max_concurrency: z.number().int().positive().default(4),
    timeout: duration().default(60_000),
    max_attempts: z.number().int().min(1).max(20).default(6),
    backoff_base: duration().default(500),
    backoff_max: duration().default(30_000),
  })
  .prefault({});

const streamOverride = z.strictObject({
  enabled: z.boolean().default(true),
  lookback: duration().optional(),
  /** How often a full scan of primary keys runs to detect deletes (systems without delete feeds). */
  delete_scan_every: duration().optional(),
});

const streams = z.record(z.string(), streamOverride).default({});

/** Where a first sync starts reading (the initial value of every cursor), a UTC date. */
const startDate = z.iso
  .date({ message: "write the start date as YYYY-MM-DD" })
  .default("2000-01-01");

const salesforce = z.strictObject({
  base_url: baseUrl(),
  api_version: z
    .string()
    .regex(/^v\d+\.\d$/, { message: "write the API version like v60.0" })
    .default("v60.0"),
  auth: z.strictObject({
    kind: z.literal("oauth2_client_credentials"),
    token_url: baseUrl().optional(),
    client_id: text(),
    client_secret: secret(),
  }),
  batch_size: z.number().int().min(200).max(2000).default(2000),
  start_date: startDate,
  http,
  streams,
});

const netsuite = z.strictObject({
  base_url: baseUrl(),
  account_id: text().optional(),
  /** Time zone of the account, which SuiteQL timestamp literals are read in. */
  account_timezone: z.string().default("UTC"),
  auth: z.discriminatedUnion("kind", [
    z.strictObject({
      kind: z.literal("oauth2_jwt"),
      token_url: baseUrl().optional(),
      client_id: text(),
      certificate_id: text(),
      private_key: secret(),
      algorithm: z.enum(["PS256", "ES256", "RS256"]).default("PS256"),
      scope: z.string().default("rest_webservices"),
    }),
    z.strictObject({
      kind: z.literal("tba"),
      account_id: text(),
      consumer_key: secret(),
      consumer_secret: secret(),
      token_id: secret(),
      token_secret: secret(),
    }),
  ]),
  page_size: z.number().int().min(5).max(1000).default(1000),
  /** SuiteQL returns at most this many rows per query; windows are split to stay under it. */
  max_rows_per_query: z.number().int().positive().default(100_000),
  start_date: startDate,
  http,
  streams,
});

const kantata = z.strictObject({
  base_url: baseUrl().default("https://api.mavenlink.com/api/v1"),
  auth: z.strictObject({ kind: z.literal("bearer"), token: secret() }),
  per_page: z.number().int().min(1).max(200).default(200),
  start_date: startDate,
  http,
  streams,
});

const workday = z.strictObject({
  base_url: baseUrl(),
  tenant: text(),
  mode: z.enum(["raas", "rest"]).default("raas"),
  report: z
    .strictObject({
      owner: text(),
      name: text(),
      /** Prompt names and date format are chosen by the report's author. */
      prompt_from: z.string().default("Updated_From"),
      prompt_to: z.string().default("Updated_To"),
      /** Reports are not paged: large pulls are split into prompt ranges of this length. */
      window: duration().default(30 * 86_400_000),
    })
    .optional(),
  auth: z.discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("basic"), username: text(), password: secret() }),
    z.strictObject({
      kind: z.literal("oauth2_refresh_token"),
      token_url: baseUrl().optional(),
      client_id: text(),
      client_secret: secret(),
      refresh_token: secret(),
    }),
  ]),
  start_date: startDate,
  http,
  streams,
});

/** The `sources:` section: each system is optional; configure the ones the firm runs. */
export const sourcesSchema = z
  .strictObject({
    salesforce: salesforce.optional(),
    netsuite: netsuite.optional(),
    kantata: kantata.optional(),
    workday: workday.optional(),
  })
  .default({});

export type SourcesConfig = z.infer<typeof sourcesSchema>;
export type SalesforceConfig = z.infer<typeof salesforce>;
export type NetsuiteConfig = z.infer<typeof netsuite>;
export type KantataConfig = z.infer<typeof kantata>;
export type WorkdayConfig = z.infer<typeof workday>;
export type SourceHttpConfig = z.infer<typeof http>;
export type SourceName = keyof SourcesConfig;
export const SOURCE_NAMES = [
  "salesforce",
  "netsuite",
  "kantata",
  "workday",
] as const satisfies readonly SourceName[];
