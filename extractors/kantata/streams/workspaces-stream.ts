import { z } from "zod";
import { bool, date, int, json, text, timestamp } from "../../engine/fields.js";
import { kantataStream } from "../kantata-request.js";

/** Projects as delivery runs them (archived ones included). */
export const workspacesStream = kantataStream({
  name: "workspaces",
  schema: z.looseObject({
    id: text(),
    title: text(),
    currency: text().nullable(),
    price_in_cents: int().nullable(),
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
