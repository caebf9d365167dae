import { z } from "zod";
import { NETSUITE_JWT_ALGORITHMS, readNetsuiteKey } from "./netsuite-key.js";
import { baseUrl, duration, secret, text, timeZone } from "./primitives.js";
import { apiBaseAddress } from "./vendor-addresses.js";

/** Shared HTTP behaviour of one source tenant: one rate budget for all its streams. */
const http = z
  .strictObject({
    requests_per_second: z.number().positive().default(10),
    max_concurrency: z.number().int().positive().default(4),
    timeout: duration().default(60_000),
    /**
     * How long a new connection may take to open (`timeout` still bounds the whole request): a
     * firewall that drops the traffic answers nothing, and each attempt would wait `timeout`.
     */
    connect_timeout: duration().default(10_000),
    max_attempts: z.number().int().min(1).max(20).default(6),
    backoff_base: duration().default(500),
    backoff_max: duration().default(30_000),
  })
  .prefault({});

const streamOverride = z.strictObject({
  enabled: z.boolean().default(true),
  /** `0s`: no re-read before the cursor. */
  lookback: duration({ orZero: true }).optional(),
  /** How often a full scan of primary keys runs to detect deletes (systems without delete feeds). */
  delete_scan_every: duration({ orZero: true }).optional(),
});

const streams = z.record(z.string(), streamOverride).default({});

/** Where a first sync starts reading (the initial value of every cursor), a UTC date. */
const startDate = z.iso
  .date({ message: "write the start date as YYYY-MM-DD" })
  .default("2000-01-01");

/** The oldest REST API version Salesforce still serves: it retired v21.0 to v30.0 in Summer '25. */
const OLDEST_SALESFORCE_VERSION = 31;

const salesforce = z.strictObject({
  base_url: baseUrl().superRefine(apiBaseAddress("salesforce")),
  api_version: z
    .string()
    .regex(/^v\d+\.\d$/, { message: "write the API version like v60.0" })
    .refine((version) => Number(version.slice(1)) >= OLDEST_SALESFORCE_VERSION, {
      message: `Salesforce retired API versions v21.0 to v30.0 in Summer '25: write v${OLDEST_SALESFORCE_VERSION}.0 or newer (unset, it is v60.0)`,
    })
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

/** Said of an algorithm NetSuite's client credentials do not take (`NETSUITE_JWT_ALGORITHMS`). */
const NETSUITE_JWT_ALGORITHM_HINT =
  "NetSuite client credentials accept only PS256, PS384, PS512, ES256, ES384 or ES512 (RS256 is refused): write algorithm: PS256 for an RSA certificate, or ES256/ES384/ES512 to match an EC certificate's curve";

const netsuite = z.strictObject({
  base_url: baseUrl().superRefine(apiBaseAddress("netsuite")),
  account_id: text().optional(),
  /**
   * The integration user's time-zone preference (Set Preferences), not the company's: SuiteQL
   * reads timestamp literals and writes date-times in it.
   */
  account_timezone: timeZone().default("UTC"),
  auth: z.discriminatedUnion("kind", [
    z
      .strictObject({
        kind: z.literal("oauth2_jwt"),
        token_url: baseUrl().optional(),
        client_id: text(),
        certificate_id: text(),
        private_key: secret(),
        algorithm: z
          .enum(NETSUITE_JWT_ALGORITHMS, { message: NETSUITE_JWT_ALGORITHM_HINT })
          .default("PS256"),
        scope: z.string().default("rest_webservices"),
      })
      // Read when the config is, so `config check` finds a wrong key before any token request.
      .superRefine((auth, ctx) => {
        const read = readNetsuiteKey(auth.private_key.reveal(), auth.algorithm);
        if ("problem" in read)
          ctx.addIssue({ code: "custom", path: ["private_key"], message: read.problem });
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
  base_url: baseUrl()
    .superRefine(apiBaseAddress("kantata"))
    .default("https://api.mavenlink.com/api/v1"),
  auth: z.strictObject({
    kind: z.literal("bearer"),
    token: secret().refine((token) => !/^bearer\s/i.test(token.reveal()), {
      message:
        "the token's variable holds 'Bearer ' before the token: set it to the token alone (pslink adds 'Bearer ' itself)",
    }),
  }),
  per_page: z.number().int().min(1).max(200).default(200),
  start_date: startDate,
  http,
  streams,
});

/**
 * How the report's date prompts are written, as its author typed them: `date_time`
 * (`2026-01-01T00:00:00Z`), `date` (`2026-01-01`) or `date_with_zone` (`2026-01-01+00:00`, a
 * date with its zone as Workday writes date prompts in a report's web service URLs).
 */
const WORKDAY_PROMPT_FORMATS = ["date_time", "date", "date_with_zone"] as const;

const workday = z
  .strictObject({
    base_url: baseUrl().superRefine(apiBaseAddress("workday")),
    tenant: text(),
    mode: z.enum(["raas", "rest"]).default("raas"),
    report: z
      .strictObject({
        owner: text(),
        name: text(),
        /** Prompt names and date format are chosen by the report's author. */
        prompt_from: z.string().default("Updated_From"),
        prompt_to: z.string().default("Updated_To"),
        prompt_format: z.enum(WORKDAY_PROMPT_FORMATS).default("date_time"),
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
  })
  // Workday's REST API takes OAuth access tokens only; Basic auth is for SOAP and RaaS.
  .refine((config) => config.mode !== "rest" || config.auth.kind !== "basic", {
    message:
      "mode: rest needs auth kind oauth2_refresh_token (register an API client in Workday); Basic auth works only with the RaaS report (mode: raas)",
    path: ["auth", "kind"],
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
