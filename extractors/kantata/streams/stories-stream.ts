import { z } from "zod";
import { bool, date, int, text, timestamp } from "../../engine/fields.js";
import { kantataStream } from "../kantata-request.js";

/** Tasks and milestones (`story_type`). */
export const storiesStream = kantataStream({
  name: "stories",
  schema: z.looseObject({
    id: text(),
    title: text(),
    story_type: text(),
    state: text(),
    workspace_id: text(),
    due_date: date().nullable(),
    budget_estimate_in_cents: int().nullable(),
    billable: bool(),
    created_at: timestamp(),
    updated_at: timestamp(),
  }),
});
