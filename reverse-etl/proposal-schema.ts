import { z } from "zod";
import { DOMAINS, GOVERNED_SYSTEMS, TARGET_SYSTEMS } from "../core/config/governance-schema.js";

/** What a write-back does to its target record (docs/reverse-etl.md, "Proposal contract"). */
export const OPERATIONS = ["create", "update", "upsert", "deactivate", "adjustment_queue"] as const;
export type Operation = (typeof OPERATIONS)[number];

/** A JSON object column: the warehouse may hand it back as text (DuckDB, json) or parsed. */
const jsonObject = z.preprocess(
  (value) => (typeof value === "string" ? JSON.parse(value) : value),
  z.record(z.string(), z.unknown()),
);

const optionalText = z.preprocess(
  (value) => (value === null || value === undefined || value === "" ? null : String(value)),
  z.string().nullable(),
);

/**
 * One row of a `proposals.<name>` relation: a change the reconciliation wants made in a target
 * system, in the target's vendor field names, with the evidence a steward reads.
 */
export const proposalSchema = z.object({
  /** Deterministic: the same finding yields the same key on every build. */
  proposal_key: z.string().min(1),
  rule_id: z.string().min(1),
  exception_id: optionalText,
  domain: z.enum(DOMAINS),
  /** The system whose data is authoritative for the value. */
  source_system: z.enum(GOVERNED_SYSTEMS),
  target_system: z.enum(TARGET_SYSTEMS),
  /** The target's object as its write API names it (timeBill, job, Account, users, …). */
  object: z.string().min(1),
  /** The target record's id; null for creates. */
  target_id: optionalText,
  operation: z.enum(OPERATIONS),
  /** Desired field values, in the target's vendor names. */
  fields: jsonObject,
  evidence: jsonObject.default({}),
});

export type Proposal = z.infer<typeof proposalSchema>;

/** The columns a proposal relation must have, in contract order. */
export const PROPOSAL_COLUMNS = [
  "proposal_key",
  "rule_id",
  "exception_id",
  "domain",
  "source_system",
  "target_system",
  "object",
  "target_id",
  "operation",
  "fields",
  "evidence",
] as const;
