import type { z } from "zod";
import { configError } from "../../core/errors.js";
import type { ColumnSpec } from "../../warehouse/warehouse.js";
import { type FieldMeta, fieldMeta } from "./fields.js";

/**
 * A stream as data (Singer SDK / Airbyte vocabulary): what to ask for and how to read it.
 * `R` is the system's request shape (a Salesforce object, a SuiteQL table, a Kantata path);
 * paging, auth, retries, state and batching belong to the engine and the system's defaults.
 */
export interface StreamDefinition<R = unknown> {
  /** Stream and table name (`raw_<system>.<name>`, `src_<system>.<name>`, lower-cased). */
  readonly name: string;
  /** Field(s) identifying a record. */
  readonly primaryKey: readonly string[];
  /** Field holding the last-modified timestamp; null for streams re-read whole every run. */
  readonly cursor: string | null;
  /** Loose object schema: declared fields become typed columns, unknown fields are drift. */
  readonly schema: z.ZodObject;
  /** The system-specific request. */
  readonly request: R;
  /** Where records sit in a response, when it differs from the system's default. */
  readonly select?: string;
  /** How far each incremental window reaches back before the committed cursor (ms). */
  readonly lookback: number;
  /** Vendor documentation page this stream follows. */
  readonly docs: string;
}

export type StreamInput<R> = Omit<StreamDefinition<R>, "primaryKey" | "lookback"> & {
  primaryKey: string | readonly string[];
  lookback?: number;
};

/** Default lookback: late and back-dated records within this span are still caught. */
export const DEFAULT_LOOKBACK_MS = 10 * 60_000;

/** Declares a stream; checks the declaration against itself so mistakes fail at load time. */
export function defineStream<R>(input: StreamInput<R>): StreamDefinition<R> {
  const primaryKey = typeof input.primaryKey === "string" ? [input.primaryKey] : input.primaryKey;
  const shape = input.schema.shape;
  for (const field of [...primaryKey, ...(input.cursor ? [input.cursor] : [])]) {
    if (!(field in shape)) {
      throw configError(`stream ${input.name}: field "${field}" is not in its schema`);
    }
  }
  const stream = { ...input, primaryKey, lookback: input.lookback ?? DEFAULT_LOOKBACK_MS };
  if (input.cursor && fieldMetaOf(stream, input.cursor).column !== "timestamp") {
    throw configError(
      `stream ${input.name}: cursor field "${input.cursor}" must be declared with timestamp()`,
    );
  }
  return stream;
}

/**
 * A record's primary key values joined with `|`, as the warehouse keys it; undefined when a key
 * field is missing or not a string or number.
 */
export function recordKey(
  stream: Pick<StreamDefinition, "primaryKey">,
  record: unknown,
): string | undefined {
  if (record === null || typeof record !== "object") return undefined;
  // A loop, not map/every/join: seek paging keys every record of a crowded second.
  let key: string | undefined;
  for (const field of stream.primaryKey) {
    const part = (record as Record<string, unknown>)[field];
    if (typeof part !== "string" && typeof part !== "number") return undefined;
    key = key === undefined ? String(part) : `${key}|${part}`;
  }
  return key ?? "";
}

/** Declared field names, in schema order. */
export function declaredFields(stream: StreamDefinition): string[] {
  return Object.keys(stream.schema.shape);
}

/** Fields a record may carry without drifting: the declared ones and the system's envelope fields. */
export function knownFields(
  stream: StreamDefinition,
  ignoredFields: readonly string[] = [],
): string[] {
  return [...declaredFields(stream), ...ignoredFields];
}

/** `AccountId` → `account_id`, `Employee_ID` → `employee_id`: warehouse column names. */
export function columnName(field: string): string {
  return field
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .toLowerCase();
}

/** The typed columns a stream's schema declares (current-state table layout). */
export function declaredColumns(stream: StreamDefinition): ColumnSpec[] {
  return declaredFields(stream).map((field) => ({
    name: columnName(field),
    type: fieldMetaOf(stream, field).column,
    nullable: !stream.primaryKey.includes(field),
  }));
}

/** A declared field: how it lands, and what it may be besides its type. */
export interface DeclaredField {
  readonly meta: FieldMeta;
  /** JSON null is valid (`.nullable()`). */
  readonly acceptsNull: boolean;
  /** The field may be absent (`.optional()`, `.default()`). */
  readonly acceptsAbsent: boolean;
}

/** Unwraps a field's `.nullable()`/`.optional()`/`.default()` down to its helper's metadata. */
export function declaredField(stream: StreamDefinition, field: string): DeclaredField {
  let acceptsNull = false;
  let acceptsAbsent = false;
  let current: z.core.$ZodType = stream.schema.shape[field] as z.ZodType;
  for (;;) {
    const meta = fieldMeta.get(current as z.ZodType);
    if (meta) return { meta, acceptsNull, acceptsAbsent };
    const def = current._zod.def;
    if (def.type === "nullable") acceptsNull = true;
    else if (def.type === "optional" || def.type === "default") acceptsAbsent = true;
    else {
      throw configError(
        `${stream.name}.${field}: declare the field with a helper from extractors/engine/fields.ts`,
      );
    }
    current = (def as z.core.$ZodOptionalDef).innerType;
  }
}

/** A declared field's name, with what it may hold on the wire. */
export interface DeclaredKind {
  readonly name: string;
  readonly kind: FieldMeta["kind"];
  readonly acceptsNull: boolean;
  readonly acceptsAbsent: boolean;
  /** It lands as a timestamp or a date, read from the vendor's date-time text. */
  readonly dateTime: boolean;
}

/** The declared fields' kinds, in declaration order. */
export function declaredKinds(stream: StreamDefinition): DeclaredKind[] {
  return declaredFields(stream).map((name) => {
    const { meta, acceptsNull, acceptsAbsent } = declaredField(stream, name);
    const dateTime = meta.column === "timestamp" || meta.column === "date";
    return { name, kind: meta.kind, acceptsNull, acceptsAbsent, dateTime };
  });
}

/** How a declared field lands: its column type and value conversion. */
export function fieldMetaOf(stream: StreamDefinition, field: string): FieldMeta {
  return declaredField(stream, field).meta;
}
