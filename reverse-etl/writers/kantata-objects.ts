import type { ObjectSpec } from "./writer-types.js";

const same = (field: string) => field;

function listObject(object: string, operations: ObjectSpec["operations"]): ObjectSpec {
  return {
    object,
    stream: object,
    idColumn: "id",
    modifiedColumn: "updated_at",
    operations,
    column: same,
  };
}

/**
 * Custom field values: creating a value replaces the subject's previous one (under a new id), so
 * a write is an upsert, addressed by subject and field. pslink writes them on client groups (R08's
 * ERP customer name): the blast radius counts them against the groups.
 */
export const CUSTOM_FIELD_VALUES: ObjectSpec = {
  object: "custom_field_values",
  stream: "custom_field_values",
  idColumn: "id",
  keyColumns: ["subject_type", "subject_id", "custom_field_id"],
  radiusStream: "workspace_groups",
  modifiedColumn: "updated_at",
  operations: ["upsert"],
  column: same,
};

/** What the Kantata OX writer may do, per resource (SOURCE-APIS.md, "Writes"). */
export const KANTATA_OBJECTS: Readonly<Record<string, ObjectSpec>> = {
  users: listObject("users", ["update", "deactivate"]),
  workspaces: listObject("workspaces", ["update"]),
  time_entries: listObject("time_entries", ["update"]),
  invoices: listObject("invoices", ["update"]),
  custom_field_values: CUSTOM_FIELD_VALUES,
};
