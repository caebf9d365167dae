import { z } from "zod";
import { text, timestamp } from "../../engine/fields.js";
import { kantataStream } from "../kantata-request.js";

/** Other systems' ids held on Kantata records (deterministic identity keys). */
export const externalReferencesStream = kantataStream({
  name: "external_references",
  schema: z.looseObject({
    id: text(),
    subject_type: text(),
    subject_id: text(),
    service_name: text(),
    service_model: text().nullable(),
    service_model_ref: text(),
    created_at: timestamp(),
    updated_at: timestamp(),
  }),
});
