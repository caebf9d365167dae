import { customFieldValues } from "../../../sandbox/servers/kantata/custom-field-values.js";
import type { Collection, SystemName } from "../../../sandbox/world/types.js";
import type { World } from "../../../sandbox/world/world.js";

/**
 * The records the sandbox serves for a stream: the world's collection, or for Kantata's custom
 * field values the store the Kantata imitation keeps beside the world.
 */
export function sandboxCollection(world: World, system: SystemName, name: string): Collection {
  return system === "kantata" && name === "custom_field_values"
    ? customFieldValues(world)
    : world.collection(system, name);
}

/**
 * Custom fields on the seeded groups: R08's "ERP customer name" (company groups), and a region,
 * payment terms in days and an industry choice (choice fields hold choice ids) on every group.
 */
const SEEDED_FIELDS: ReadonlyArray<{
  id: string;
  companiesOnly: boolean;
  value: (group: Record<string, unknown>, n: number) => unknown;
}> = [
  { id: "1", companiesOnly: true, value: (group) => String(group.name) },
  { id: "2", companiesOnly: false, value: (_group, n) => ["EMEA", "Americas", "APAC"][n % 3] },
  { id: "3", companiesOnly: false, value: (_group, n) => [30, 45, 60][n % 3] },
  { id: "4", companiesOnly: false, value: (_group, n) => [4101 + (n % 4)] },
];

/**
 * Gives the world's client groups the custom field values a tenant's users set before pslink's
 * first sync (the world generates none), stamped when each group last changed; returns how many.
 */
export function seedCustomFieldValues(world: World): number {
  const groups = world.collection("kantata", "workspace_groups");
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
