import { fatalError } from "../../core/errors.js";

/** The metadata types `dagster-pipes` accepts (`PipesMetadataType`). */
export const PIPES_METADATA_TYPES = [
  "__infer__",
  "text",
  "url",
  "path",
  "notebook",
  "json",
  "md",
  "float",
  "int",
  "bool",
  "dagster_run",
  "asset",
  "null",
  "table",
  "table_schema",
  "table_column_lineage",
  "timestamp",
] as const;

export type PipesMetadataType = (typeof PIPES_METADATA_TYPES)[number];

/** A typed metadata value on the wire: `{raw_value, type}`. */
export interface PipesMetadataValue {
  raw_value: unknown;
  type: PipesMetadataType;
}

/** Metadata as callers give it: plain JS values (inferred) or explicit `{raw_value, type}`. */
export type MetadataInput = Readonly<Record<string, unknown>>;

/** Explicit typed values, for types a JS value cannot imply (url, path, md, asset, ...). */
export const pipesMetadata = {
  text: (value: string) => typed("text", value),
  url: (value: string | URL) => typed("url", String(value)),
  path: (value: string) => typed("path", value),
  notebook: (path: string) => typed("notebook", path),
  md: (markdown: string) => typed("md", markdown),
  json: (value: unknown) => typed("json", value),
  int: (value: number) => typed("int", value),
  float: (value: number) => typed("float", Number.isFinite(value) ? value : null),
  bool: (value: boolean) => typed("bool", value),
  timestamp: (at: Date) => typed("timestamp", at.getTime() / 1000),
  dagsterRun: (runId: string) => typed("dagster_run", runId),
  /** Dagster reads this one with `AssetKey.from_user_string`: parts joined by `/`, unescaped. */
  asset: (path: readonly string[]) => typed("asset", path.join("/")),
  null: () => typed("null", null),
};

function typed(type: PipesMetadataType, raw_value: unknown): PipesMetadataValue {
  return { raw_value, type };
}

const TYPES: ReadonlySet<string> = new Set(PIPES_METADATA_TYPES);

function isTypedValue(value: object): value is PipesMetadataValue {
  const keys = Object.keys(value);
  // Same rule as dagster_pipes._normalize_param_metadata: exactly these two keys.
  return keys.length === 2 && "raw_value" in value && "type" in value;
}

/** One JS value → its Pipes typed form. Integers are `int`, other numbers `float`, objects `json`. */
export function inferMetadataValue(key: string, value: unknown): PipesMetadataValue {
  if (value === null) return typed("null", null);
  if (value instanceof Date) return pipesMetadata.timestamp(value);
  if (value instanceof URL) return pipesMetadata.url(value);
  switch (typeof value) {
    case "string":
      return typed("text", value);
    case "boolean":
      return typed("bool", value);
    case "number":
      if (Number.isSafeInteger(value)) return typed("int", value);
      return pipesMetadata.float(value);
    case "bigint":
      return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
        ? typed("int", Number(value))
        : typed("text", value.toString());
    case "object":
      if (isTypedValue(value)) {
        if (!TYPES.has(value.type)) {
          throw fatalError(`metadata "${key}" has unknown Pipes type "${String(value.type)}"`, {
            hint: `use one of ${PIPES_METADATA_TYPES.join(", ")}`,
          });
        }
        return value;
      }
      return typed("json", JSON.parse(JSON.stringify(value)));
    default:
      throw fatalError(`metadata "${key}" holds a ${typeof value}, which is not serializable`, {
        hint: "report strings, numbers, booleans, dates, URLs, arrays or plain objects",
      });
  }
}

/** A metadata map → the wire form; `undefined` entries are dropped, an empty map is `null`. */
export function normalizeMetadata(
  metadata: MetadataInput | undefined,
): Record<string, PipesMetadataValue> | null {
  if (!metadata) return null;
  const out: Record<string, PipesMetadataValue> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (value !== undefined) out[key] = inferMetadataValue(key, value);
  }
  return Object.keys(out).length > 0 ? out : null;
}
