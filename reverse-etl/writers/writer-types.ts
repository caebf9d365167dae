import type { TargetSystem } from "../../core/config/governance-schema.js";
import { sameValue } from "../field-values.js";
import type { PeriodRow } from "../period-guard.js";
import type { Operation } from "../proposal-schema.js";

/** A target object as a writer knows it: where it lands, and what the writer may do to it. */
export interface ObjectSpec {
  /** The write API's object name (a proposal's `object`). */
  readonly object: string;
  /** Current-state table in `src_<system>` the object lands in; null when it is not synced. */
  readonly stream: string | null;
  readonly idColumn: string;
  /**
   * An object the writer addresses by a natural key instead of the target's id: the landed
   * columns whose values, joined by `:`, make its target id (the newest row holding them wins).
   */
  readonly keyColumns?: readonly string[];
  /**
   * The stream whose rows the blast radius counts a write against, when a write changes another
   * record than its own row (a custom field value changes its subject's field). Default: `stream`.
   */
  readonly radiusStream?: string;
  readonly modifiedColumn: string;
  /** The operations this writer performs on the object; everything else is refused. */
  readonly operations: readonly Operation[];
  /** Write field holding the external id (creates and upserts carry one for idempotency). */
  readonly externalIdField?: string;
  /** The landed column a write field is read back from. */
  column(field: string): string;
  /**
   * Whether a landed or live value and a written one are the same to the target, when a field
   * holds less than its values say (NetSuite keeps a time bill's hours in whole minutes). Default
   * `sameValue`; `sameField` applies it.
   */
  readonly same?: (field: string, a: unknown, b: unknown) => boolean;
}

/** Whether two values of an object's field are the same to the target (`ObjectSpec.same`). */
export function sameField(spec: ObjectSpec, field: string, a: unknown, b: unknown): boolean {
  return spec.same ? spec.same(field, a, b) : sameValue(a, b);
}

/**
 * The key columns' values a target id names (`<a>:<b>:<c>` for key columns a, b, c), or
 * undefined when the object has no key columns or the id is not of that form.
 */
export function keyValues(spec: ObjectSpec, id: string): Record<string, string> | undefined {
  const columns = spec.keyColumns;
  const parts = id.split(":");
  if (!columns || parts.length !== columns.length || parts.some((part) => part === "")) {
    return undefined;
  }
  return Object.fromEntries(columns.map((column, i) => [column, parts[i] as string]));
}

/** What one write needs: the item's identity, the operation and the values to send. */
export interface WriteRequest {
  readonly itemKey: string;
  readonly object: string;
  readonly operation: Operation;
  readonly targetId: string | null;
  /** Exactly the values to send (vendor field names). */
  readonly fields: Readonly<Record<string, unknown>>;
  /** External id a create or upsert carries (also what a crash recovery looks up). */
  readonly externalId: string | null;
}

/** One HTTP call as the audit log records it (no headers, no secrets). */
export interface CallRecord {
  method: string;
  path: string;
  body?: unknown;
  status: number;
  /** The response body, cut short. */
  excerpt: string;
}

/** How one write attempt ended. */
export type WriteOutcome =
  | { kind: "applied"; targetId: string | null; call: CallRecord }
  | { kind: "rejected"; message: string; call: CallRecord }
  | { kind: "retry"; reason: string; waitMs?: number; call: CallRecord }
  /**
   * The target refuses every call for hours (Salesforce's daily API allowance is spent): the
   * write did not land, and the item waits for an apply after the allowance recovers.
   */
  | { kind: "deferred"; reason: string; call: CallRecord };

/**
 * A target system's writer (STYLE.md item 9): declares per object the operations it may
 * perform and refuses the rest; one `attempt` is exactly one call, never retried inside, so
 * the apply loop can check the target between attempts and never write twice.
 */
export interface Writer {
  readonly system: TargetSystem;
  readonly objects: Readonly<Record<string, ObjectSpec>>;
  /** The live record in landed column names, or undefined when it does not exist. */
  read(object: string, id: string): Promise<Record<string, unknown> | undefined>;
  /** Id of the record carrying this external id, or undefined. */
  findByExternalId(object: string, externalId: string): Promise<string | undefined>;
  /** Sends one write, once. */
  attempt(request: WriteRequest): Promise<WriteOutcome>;
  /**
   * The target's closed accounting periods, read live: only a writer of a system that closes
   * periods (NetSuite) has it. An apply reads them once, before its first posting, because a
   * period may close between planning and applying.
   */
  closedPeriods?(): Promise<PeriodRow[]>;
}

/** The refusal reason when a writer does not perform `operation` on `object`. */
export function capabilityRefusal(
  system: TargetSystem,
  objects: Readonly<Record<string, ObjectSpec>>,
  object: string,
  operation: Operation,
): string | undefined {
  const spec = objects[object];
  if (!spec) {
    return `the ${system} writer does not write object ${object} (it writes ${Object.keys(objects).join(", ")})`;
  }
  if (!spec.operations.includes(operation)) {
    return `the ${system} writer does not ${operation} ${object} (it may ${spec.operations.join(", ")})`;
  }
  return undefined;
}
