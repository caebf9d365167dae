import { hash as digest } from "node:crypto";
import type { z } from "zod";
import type { DriftField } from "../../loaders/schema-drift-store.js";
import { declaredFields, fieldMetaOf, type StreamDefinition } from "./define-stream.js";
import type { FieldMeta } from "./fields.js";
import { parseTimestamp } from "./timestamps.js";

/** A record that passed its schema, ready to stage (typed values written as text). */
export interface GoodRecord {
  readonly kind: "good";
  /** Primary key values joined with `|` (the key quarantine and delete scans use). */
  readonly key: string;
  readonly keyParts: readonly string[];
  readonly cursorMs: number | null;
  readonly hash: string;
  readonly json: string;
  /** Declared field values in schema order, as text (null for null/absent). */
  readonly values: readonly (string | null)[];
}

/** A record that failed its schema: set aside in `pslink.quarantine`, never dropped. */
export interface BadRecord {
  readonly kind: "bad";
  readonly key: string | null;
  readonly cursorMs: number | null;
  readonly reason: string;
  readonly json: string;
  readonly hash: string;
}

export type PreparedRecord = GoodRecord | BadRecord;

/** Validates and hashes records of one stream; remembers undeclared fields it meets (drift). */
export class RecordPreparer {
  readonly #stream: StreamDefinition;
  readonly #fields: readonly string[];
  readonly #known: ReadonlySet<string>;
  readonly #timeZone: string;
  readonly #writers: readonly FieldMeta["toColumn"][];
  /** Drift met so far, by change and field: undeclared fields and declared fields of a new type. */
  readonly drift = new Map<string, DriftField>();

  constructor(
    stream: StreamDefinition,
    options: { ignoredFields?: readonly string[]; timeZone?: string } = {},
  ) {
    this.#stream = stream;
    this.#fields = declaredFields(stream);
    this.#known = new Set([...this.#fields, ...(options.ignoredFields ?? [])]);
    this.#timeZone = options.timeZone ?? "UTC";
    this.#writers = this.#fields.map((field) => fieldMetaOf(stream, field).toColumn);
  }

  prepare(raw: unknown): PreparedRecord {
    const json = JSON.stringify(raw) ?? "null";
    // One-shot digest: a Hash object per record costs more than the MD5 itself.
    const hash = digest("md5", json, "base64url");
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      return { kind: "bad", key: null, cursorMs: null, reason: "not a JSON object", json, hash };
    }
    const record = raw as Record<string, unknown>;
    for (const field of Object.keys(record)) {
      if (this.#known.has(field) || this.drift.has(`new_field:${field}`)) continue;
      this.#note({
        field,
        change: "new_field",
        expectedType: null,
        observedType: jsonType(record[field]),
        sample: sampleOf(record[field]),
      });
    }
    const keyParts = this.#stream.primaryKey.map((field) => keyText(record[field]));
    const key = keyParts.every((part) => part !== null) ? keyParts.join("|") : null;
    const cursor = this.#stream.cursor;
    const cursorMs =
      cursor === null ? null : (parseTimestamp(record[cursor], this.#timeZone) ?? null);
    const parsed = this.#stream.schema.safeParse(record);
    if (!parsed.success) {
      this.#noteTypeChanges(parsed.error, record);
      return { kind: "bad", key, cursorMs, reason: describeIssues(parsed.error), json, hash };
    }
    if (key === null) {
      return { kind: "bad", key, cursorMs, reason: "primary key missing", json, hash };
    }
    const values: (string | null)[] = [];
    for (let i = 0; i < this.#fields.length; i++) {
      const field = this.#fields[i] as string;
      const value = record[field];
      const written =
        value === null || value === undefined
          ? null
          : (this.#writers[i] as FieldMeta["toColumn"])(value, this.#timeZone);
      if (written === undefined) {
        return {
          kind: "bad",
          key,
          cursorMs,
          reason: `${field}: ${JSON.stringify(value)} cannot be read as its declared type`,
          json,
          hash,
        };
      }
      values.push(written);
    }
    return { kind: "good", key, keyParts: keyParts as string[], cursorMs, hash, json, values };
  }

  #note(drift: DriftField): void {
    this.drift.set(`${drift.change}:${drift.field}`, drift);
  }

  /** A declared field arriving with another JSON type is a type change (the record is quarantined). */
  #noteTypeChanges(error: z.ZodError, record: Record<string, unknown>): void {
    for (const issue of error.issues) {
      const field = issue.path[0];
      if (issue.code !== "invalid_type" || typeof field !== "string" || !(field in record))
        continue;
      if (this.drift.has(`type_change:${field}`)) continue;
      const value = record[field];
      this.#note({
        field,
        change: "type_change",
        expectedType: issue.expected,
        observedType: jsonType(value),
        sample: sampleOf(value),
      });
    }
  }
}

function sampleOf(value: unknown): string {
  const text = JSON.stringify(value) ?? "null";
  return text.length <= 200 ? text : JSON.stringify(`${text.slice(0, 200)}…`);
}

function keyText(value: unknown): string | null {
  if (typeof value === "string" && value.length > 0) return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return null;
}

function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/** `field: message; field: message` — short enough for a quarantine row and a log line. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map(
      (issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(record)"}: ${issue.message}`,
    )
    .join("; ");
}
