import { z } from "zod";
import { bool, date, int, text, timestamp } from "../../engine/fields.js";
import { kantataStream } from "../kantata-request.js";

/** Tasks and milestones (`story_type`); the list hides archived workspaces' unless asked. */
export const storiesStream = kantataStream({
  name: "stories",
  request: { path: "stories.json", params: { show_from_archived_workspaces: "true" } },
  schema: z.looseObject({
    id: text(),
    title: text(),
    story_type: text(),
    state: text(),
    workspace_id: text(),
    due_date: date().nullable(),
    // Only present when the workspace has budgets and the user may see them.
    budget_estimate_in_cents: int().nullish(),
    billable: bool(),
    created_at: timestamp(),
    updated_at: timestamp(),
  }),
});
