import { columnName } from "../../extractors/engine/define-stream.js";
import type { ObjectSpec } from "./writer-types.js";

/** What the Salesforce writer may do, per sObject (SOURCE-APIS.md, "Writes"). Fields land snake_case. */
export const SALESFORCE_OBJECTS: Readonly<Record<string, ObjectSpec>> = {
  Account: {
    object: "Account",
    stream: "Account",
    idColumn: "id",
    modifiedColumn: "system_modstamp",
    operations: ["update", "upsert"],
    column: columnName,
  },
};
