import type { z } from "zod";
import { issuesText, plainIssueMessage } from "../../core/plain-issues.js";
import type { DriftField } from "../../loaders/schema-drift-store.js";
import { declaredField, type StreamDefinition } from "./define-stream.js";

/** A record that failed its schema: set aside in `pslink.quarantine`, never dropped. */
export interface BadRecord {
  /** Primary key values joined with `|`; null when the record has no readable key. */
  readonly key: string | null;
  readonly reason: string;
  /** The record as landed (JSON text). */
  readonly json: string;
  readonly hash: string;
}

/** What the warehouse reported about a record it found bad (see `loaders/shred-sql.ts`). */
export interface BadRecordRow {
  readonly key: string | null;
  readonly hash: string;
  readonly json: string;
  /** Declared fields whose SQL check failed, comma-separated. */
  readonly problem: string | null;
  /** Why JavaScript set the record aside before the warehouse read it (`BatchPage.setAside`). */
  readonly setAside?: string | null;
}

/**
 * Explains the records the warehouse's checks rejected, in words a steward can act on: zod's
 * issues for the schema, else the field that could not be converted. A declared field arriving
 * with another JSON type than its helper declares is noted as a type change (schema drift); one
 * of the right type with a value the field does not accept (a `flag()` outside its two values)
 * is a bad value, not drift.
 */
export class RecordExplainer {
  readonly #stream: StreamDefinition;
  /** Type changes met so far, by field. */
  readonly typeChanges = new Map<string, DriftField>();

  constructor(stream: StreamDefinition) {
    this.#stream = stream;
  }

  explain(row: BadRecordRow): BadRecord {
    const bad = (reason: string): BadRecord => ({
      key: row.key,
      reason,
      json: row.json,
      hash: row.hash,
    });
    if (row.setAside) return bad(row.setAside);
    const raw: unknown = JSON.parse(row.json);
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      return bad("not a JSON object");
    }
    const record = raw as Record<string, unknown>;
    const parsed = this.#stream.schema.safeParse(record, { error: plainIssueMessage });
    if (!parsed.success) {
      this.#noteTypeChanges(parsed.error, record);
      return bad(issuesText(parsed.error, "(record)", 5));
    }
    if (row.key === null) return bad("primary key missing");
    const field = row.problem?.split(",")[0];
    if (field !== undefined && field !== "") {
      return bad(`${field}: ${JSON.stringify(record[field])} cannot be read as its declared type`);
    }
    return bad("the record could not be landed");
  }

  #noteTypeChanges(error: z.ZodError, record: Record<string, unknown>): void {
    for (const issue of error.issues) {
      const field = issue.path[0];
      if (typeof field !== "string" || !(field in record) || this.typeChanges.has(field)) continue;
      if (issue.code !== "invalid_type" && issue.code !== "invalid_value") continue;
      const value = record[field];
      const expected = this.#declaredKind(field);
      const observed = jsonType(value);
      if (expected === undefined || expected === "any" || observed === expected) continue;
      this.typeChanges.set(field, {
        field,
        change: "type_change",
        expectedType: expected,
        observedType: observed,
        sample: sampleOf(value),
      });
    }
  }

  /** The JSON type the field's helper declares (`FieldMeta.kind`), if the schema declares it. */
  #declaredKind(field: string): string | undefined {
    if (!Object.hasOwn(this.#stream.schema.shape, field)) return undefined;
    return declaredField(this.#stream, field).meta.kind;
  }
}

/** A new (undeclared) field, as seen in one record carrying it. */
export function newFieldDrift(field: string, recordJson: string): DriftField {
  const record = JSON.parse(recordJson) as Record<string, unknown>;
  const value = record[field];
  return {
    field,
    change: "new_field",
    expectedType: null,
    observedType: jsonType(value),
    sample: sampleOf(value),
  };
}

function sampleOf(value: unknown): string {
  const text = JSON.stringify(value) ?? "null";
  return text.length <= 200 ? text : JSON.stringify(`${text.slice(0, 200)}…`);
}

function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}
