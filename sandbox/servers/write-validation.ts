import type { Collection, SandboxRecord } from "../world/types.js";

/** Why a write was refused, before the vendor's wording is put on it. */
export interface WriteProblem {
  kind: "unknown_field" | "read_only" | "wrong_type" | "required";
  field: string;
  message: string;
}

export interface FieldRules {
  /** Fields the API never lets a client set. */
  readOnly?: readonly string[];
  /** Fields that may not be null or empty. */
  required?: readonly string[];
}

const samples = new WeakMap<Collection, SandboxRecord>();

/**
 * A record of the collection to read field names and types from. Cached: walking the key index
 * right after an insert re-sorts it, which costs seconds on the large preset.
 */
export function sampleRecord(collection: Collection): SandboxRecord | undefined {
  const cached = samples.get(collection);
  if (cached) return cached;
  let found: SandboxRecord | undefined;
  for (const record of collection.scan()) {
    found = record;
    break;
  }
  if (found === undefined) for (const deletion of collection.deleted()) found ??= deletion.record;
  if (found) samples.set(collection, found);
  return found;
}

/**
 * Checks changes against the collection's shape as the vendor would: unknown fields,
 * read-only fields, values of the wrong JSON type, required fields left empty.
 */
export function checkWrite(
  sample: SandboxRecord | undefined,
  changes: Readonly<Record<string, unknown>>,
  rules: FieldRules,
): WriteProblem | undefined {
  for (const [field, value] of Object.entries(changes)) {
    if (rules.readOnly?.includes(field)) {
      return { kind: "read_only", field, message: `field ${field} is not writeable` };
    }
    if (sample === undefined) continue;
    if (!(field in sample)) {
      return { kind: "unknown_field", field, message: `no such field ${field}` };
    }
    const expected = sample[field];
    if (value === null) continue;
    if (expected !== null && expected !== undefined && typeof expected !== typeof value) {
      return {
        kind: "wrong_type",
        field,
        message: `${field} must be a ${typeof expected}, got ${JSON.stringify(value)}`,
      };
    }
  }
  for (const field of rules.required ?? []) {
    if (field in changes && (changes[field] === null || changes[field] === "")) {
      return { kind: "required", field, message: `required field ${field} is missing` };
    }
  }
  return undefined;
}

/** Numeric ids for records the APIs create, far above the generator's, so they never collide. */
export class CreatedIds {
  readonly #next = new Map<string, number>();

  take(collection: Collection): number {
    const key = `${collection.system}.${collection.name}`;
    let n = this.#next.get(key) ?? 900_000_001;
    while (collection.get(String(n)) !== undefined) n += 1;
    this.#next.set(key, n + 1);
    return n;
  }
}
