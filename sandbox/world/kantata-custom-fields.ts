import { kantataStamp } from "./calendar.js";
import type { FirmState } from "./firm-state.js";
import type { KoCustomField, KoCustomFieldSet, KoCustomFieldValue } from "./vendor-records.js";

type Declared<R> = Omit<R, "created_at" | "updated_at">;

/**
 * The client group field R08 write-backs set to NetSuite's name for the customer: the dbt var
 * `kantata_customer_name_field_id` in models/dbt_project.yml names it.
 */
export const ERP_CUSTOMER_NAME_FIELD_ID = "1";

/** The custom field sets of the firm's Kantata tenant (a set names its fields' subject type). */
export const CUSTOM_FIELD_SETS: ReadonlyArray<Declared<KoCustomFieldSet>> = [
  { id: "1", name: "Client", subject_type: "WorkspaceGroup" },
];

/** The tenant's custom fields. It declares them only: no record holds a value until one is set. */
export const CUSTOM_FIELDS: ReadonlyArray<Declared<KoCustomField>> = [
  {
    id: ERP_CUSTOMER_NAME_FIELD_ID,
    name: "ERP customer name",
    value_type: "string",
    custom_field_set_id: "1",
  },
];

/** Puts the tenant's custom field sets and fields into the world, created at `atMs`. */
export function declareCustomFields(state: FirmState, atMs: number): void {
  const created_at = kantataStamp(atMs);
  for (const set of CUSTOM_FIELD_SETS) {
    state.store.customFieldSets.upsert({ ...set, created_at, updated_at: "" }, atMs);
  }
  for (const field of CUSTOM_FIELDS) {
    state.store.customFields.upsert({ ...field, created_at, updated_at: "" }, atMs);
  }
}

/**
 * Each client group's "ERP customer name" as pslink reads it (int_identity__client_group_erp_names):
 * of the group's values of the field, the newest (`updated_at` to the second, then the highest
 * id) wins; a text value reads as its text, another (a number, choice ids) as its JSON.
 */
export function erpCustomerNames(values: Iterable<KoCustomFieldValue>): Map<string, string | null> {
  const newest = new Map<string, KoCustomFieldValue>();
  for (const value of values) {
    if (value.subject_type !== "WorkspaceGroup") continue;
    if (String(value.custom_field_id) !== ERP_CUSTOMER_NAME_FIELD_ID) continue;
    const group = String(value.subject_id);
    const held = newest.get(group);
    if (held === undefined || isNewer(value, held)) newest.set(group, value);
  }
  const names = new Map<string, string | null>();
  for (const [group, value] of newest) names.set(group, valueText(value.value));
  return names;
}

function isNewer(a: KoCustomFieldValue, b: KoCustomFieldValue): boolean {
  const seconds = (v: KoCustomFieldValue) => Math.floor(Date.parse(v.updated_at) / 1000);
  if (seconds(a) !== seconds(b)) return seconds(a) > seconds(b);
  const [x, y] = [String(a.id), String(b.id)];
  return x.length !== y.length ? x.length > y.length : x > y;
}

function valueText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === "string" ? value : JSON.stringify(value);
}
