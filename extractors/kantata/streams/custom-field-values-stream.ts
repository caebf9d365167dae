import { z } from "zod";
import { json, text, timestamp } from "../../engine/fields.js";
import { kantataStream } from "../kantata-request.js";

/**
 * Client groups' custom field values (R08's "ERP customer name" field among them). The list
 * serves one set of fields at a time (`subject_type` is required); creating a value replaces the
 * subject's old one under a new id, so the old id vanishes (a key scan soft-deletes it).
 */
export const customFieldValuesStream = kantataStream({
  name: "custom_field_values",
  request: { path: "custom_field_values.json", params: { subject_type: "WorkspaceGroup" } },
  docs: "https://developer.kantata.com/tag/Custom-Field-Values",
  schema: z.looseObject({
    id: text(),
    subject_type: text(),
    subject_id: text(),
    custom_field_id: text(),
    // A string, number or date as the field's type has it; choice fields hold choice ids.
    value: json(),
    created_at: timestamp(),
    updated_at: timestamp(),
  }),
});
