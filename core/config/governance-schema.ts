import { z } from "zod";
import { shortestCronGap } from "./cron-gap.js";
import { cronExpression, duration, formatDuration, text, timeZone } from "./primitives.js";

/** Business domains of the system-of-record matrix (DESIGN.md, "Governance and reverse-ETL"). */
export const DOMAINS = [
  "customer_master",
  "opportunity_contract",
  "worker",
  "project_master",
  "project_execution",
  "invoices",
] as const;
export type Domain = (typeof DOMAINS)[number];

/** Every system that can own a domain; only the first three accept write-backs. */
export const GOVERNED_SYSTEMS = ["salesforce", "netsuite", "kantata", "workday"] as const;
export type GovernedSystem = (typeof GOVERNED_SYSTEMS)[number];
export const TARGET_SYSTEMS = ["salesforce", "netsuite", "kantata"] as const;
export type TargetSystem = (typeof TARGET_SYSTEMS)[number];

const system = z.enum(GOVERNED_SYSTEMS, {
  error: () => `a system is one of ${GOVERNED_SYSTEMS.join(", ")}`,
});
const ownershipEntry = z.strictObject({ owner: system, subscribers: z.array(system) });

/** DESIGN's matrix: a write-back may only flow from a domain's owner to its subscribers. */
export const DEFAULT_OWNERSHIP: Record<Domain, z.input<typeof ownershipEntry>> = {
  customer_master: { owner: "netsuite", subscribers: ["salesforce", "kantata"] },
  opportunity_contract: { owner: "salesforce", subscribers: ["netsuite", "kantata"] },
  worker: { owner: "workday", subscribers: ["kantata", "netsuite"] },
  project_master: { owner: "netsuite", subscribers: ["kantata"] },
  project_execution: { owner: "kantata", subscribers: ["netsuite"] },
  invoices: { owner: "netsuite", subscribers: ["kantata", "salesforce"] },
};

const ownership = z
  .strictObject(
    Object.fromEntries(
      DOMAINS.map((domain) => [domain, ownershipEntry.default(DEFAULT_OWNERSHIP[domain])]),
    ) as Record<Domain, z.ZodDefault<typeof ownershipEntry>>,
  )
  .prefault({});

const steward = z.strictObject({
  name: z.string().min(1),
  domains: z.array(z.enum(DOMAINS, { error: () => `a domain is one of ${DOMAINS.join(", ")}` })),
});

/**
 * A write window: opens at each `start` (cron, in `timezone`) and stays open for `duration`,
 * which must end by the time the cron starts it again (at most 24h for a daily cron): a longer
 * one would never close.
 */
const window = z
  .strictObject({
    start: cronExpression(),
    // Zero is refused below, in the window's own words.
    duration: duration({ orZero: true }),
    timezone: timeZone().default("UTC"),
  })
  .superRefine((window, ctx) => {
    const problem = windowDurationProblem(window.start, window.duration);
    if (problem) ctx.addIssue({ code: "custom", path: ["duration"], message: problem });
  });

function windowDurationProblem(start: string, length: number): string | undefined {
  if (typeof length !== "number") return undefined; // not a duration: already reported
  if (length <= 0)
    return `must be longer than 0 (a window open for ${formatDuration(length)} never opens): write how long it stays open, e.g. 4h`;
  const gap = shortestCronGap(start);
  if (gap === undefined || length <= gap) return undefined;
  return `${formatDuration(length)} is longer than the ${formatDuration(gap)} between two starts of "${start}", so the window would never close: write at most ${formatDuration(gap)}, or a start that fires less often`;
}

/** Nightly, as DESIGN's schedule has it: 22:00–04:00 UTC. */
const DEFAULT_WINDOW = { start: "0 22 * * *", duration: "6h", timezone: "UTC" };

const windows = z
  .strictObject({
    salesforce: window.prefault(DEFAULT_WINDOW),
    netsuite: window.prefault(DEFAULT_WINDOW),
    kantata: window.prefault(DEFAULT_WINDOW),
  })
  .prefault({});

const rateLimit = z.strictObject({
  requests_per_second: z.number().positive().default(2),
  max_attempts: z.number().int().min(1).max(20).default(5),
  backoff_base: duration().default(500),
  backoff_max: duration().default(30_000),
});

const rateLimits = z
  .strictObject({
    salesforce: rateLimit.prefault({}),
    netsuite: rateLimit.prefault({}),
    kantata: rateLimit.prefault({}),
  })
  .prefault({});

/** The `governance:` section of pslink.yml. */
export const governanceSchema = z
  .strictObject({
    ownership,
    stewards: z.array(steward).default([]),
    windows,
    /** Share of one target object's rows a plan may touch before it is held as a whole. */
    blast_radius: z.number().gt(0).max(1).default(0.2),
    rate_limits: rateLimits,
    /** Schema holding the proposal relations (`proposals.<name>`). */
    proposals_schema: text().default("proposals"),
  })
  .prefault({});

export type GovernanceConfig = z.infer<typeof governanceSchema>;
export type WriteWindowConfig = z.infer<typeof window>;
export type WriteRateLimit = z.infer<typeof rateLimit>;
export type StewardConfig = z.infer<typeof steward>;
