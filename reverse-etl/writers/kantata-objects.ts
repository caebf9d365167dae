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

/** What the Kantata OX writer may do, per resource (SOURCE-APIS.md, "Writes"). */
export const KANTATA_OBJECTS: Readonly<Record<string, ObjectSpec>> = {
  users: listObject("users", ["update", "deactivate"]),
  workspaces: listObject("workspaces", ["update"]),
  time_entries: listObject("time_entries", ["update"]),
  invoices: listObject("invoices", ["update"]),
  /** Creating a value replaces the subject's previous one, so a write is an upsert. */
  custom_field_values: {
    object: "custom_field_values",
    stream: null,
    idColumn: "id",
    modifiedColumn: "updated_at",
    operations: ["upsert"],
    column: same,
  },
};
