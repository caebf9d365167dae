import { z } from "zod";
import { bool, date, int, json, text, timestamp } from "../../engine/fields.js";
import { kantataStream } from "../kantata-request.js";

/** Projects as delivery runs them; the list hides archived ones unless asked. */
export const workspacesStream = kantataStream({
  name: "workspaces",
  request: { path: "workspaces.json", params: { include_archived: "true" } },
  schema: z.looseObject({
    id: text(),
    title: text(),
    // Only present when the user has financial access in the workspace.
    currency: text().nullish(),
    price_in_cents: int().nullish(),
    budgeted: bool(),
    start_date: date().nullable(),
    due_date: date().nullable(),
    status: json(),
    archived: bool(),
    workspace_group_ids: json(),
    created_at: timestamp(),
    updated_at: timestamp(),
  }),
});
