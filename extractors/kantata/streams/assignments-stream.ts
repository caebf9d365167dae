import { z } from "zod";
import { text, timestamp } from "../../engine/fields.js";
import { kantataStream } from "../kantata-request.js";

/** Who is assigned to which task. */
export const assignmentsStream = kantataStream({
  name: "assignments",
  schema: z.looseObject({
    id: text(),
    story_id: text(),
    assignee_id: text(),
    // Not among the assignment attributes Kantata documents.
    workspace_id: text().nullish(),
    created_at: timestamp(),
    updated_at: timestamp(),
  }),
});
