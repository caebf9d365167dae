import { customFieldValues } from "../../../sandbox/servers/kantata/custom-field-values.js";
import { ERP_CUSTOMER_NAME_FIELD_ID } from "../../../sandbox/world/kantata-custom-fields.js";
import type { Collection, SystemName } from "../../../sandbox/world/types.js";
import type { World } from "../../../sandbox/world/world.js";

/** The records the sandbox serves for a stream: the world's collection of that name. */
export function sandboxCollection(world: World, system: SystemName, name: string): Collection {
  return world.collection(system, name);
}

/**
 * Custom fields on the seeded groups: R08's "ERP customer name" (company groups; the world
 * declares it), and a region, payment terms in days and an industry choice (choice fields hold
 * choice ids) on every group, which the tenant's administrator adds to the client set.
 */
const SEEDED_FIELDS: ReadonlyArray<{
  id: string;
  name: string;
  valueType: string;
  companiesOnly: boolean;
  value: (group: Record<string, unknown>, n: number) => unknown;
}> = [
  {
    id: ERP_CUSTOMER_NAME_FIELD_ID,
    name: "ERP customer name",
    valueType: "string",
    companiesOnly: true,
    value: (group) => String(group.name),
  },
  {
    id: "2",
    name: "Region",
    valueType: "string",
    companiesOnly: false,
    value: (_group, n) => ["EMEA", "Americas", "APAC"][n % 3],
  },
  {
    id: "3",
    name: "Payment terms (days)",
    valueType: "number",
    companiesOnly: false,
    value: (_group, n) => [30, 45, 60][n % 3],
  },
  {
    id: "4",
    name: "Industry",
    valueType: "single",
    companiesOnly: false,
    value: (_group, n) => [4101 + (n % 4)],
  },
];

/**
 * Gives the world's client groups the custom field values a tenant's users set before pslink's
 * first sync (the world generates none), stamped when each group last changed, and declares the
 * fields the world lacks beside its "ERP customer name"; returns how many values it set.
 */
export function seedCustomFieldValues(world: World): number {
  const groups = world.collection("kantata", "workspace_groups");
  const fields = world.collection("kantata", "custom_fields");
  const erpName = fields.get(ERP_CUSTOMER_NAME_FIELD_ID);
  if (!erpName) throw new Error("the world declares no ERP customer name field");
  for (const field of SEEDED_FIELDS) {
    if (fields.get(field.id)) continue;
    const { id, name, valueType } = field;
    fields.upsert(
      { ...erpName, id, name, value_type: valueType },
      fields.modifiedMs(ERP_CUSTOMER_NAME_FIELD_ID) ?? 0,
    );
  }
  const values = customFieldValues(world);
  let count = 0;
  [...groups.scan()].forEach((group, n) => {
    const id = String(group.id);
    for (const field of SEEDED_FIELDS) {
      if (field.companiesOnly && group.company !== true) continue;
      count += 1;
      values.upsert(
        {
          id: String(700_000 + count),
          subject_type: "WorkspaceGroup",
          subject_id: id,
          custom_field_id: field.id,
          value: field.value(group, n),
          created_at: String(group.created_at),
          updated_at: "",
        },
        groups.modifiedMs(id) ?? 0,
      );
    }
  });
  return count;
}
