import { z } from "zod";
import { bool, date, int, text, timestamp } from "../../engine/fields.js";
import { kantataStream } from "../kantata-request.js";

/** Logged time; the listing hides archived workspaces unless asked. */
export const timeEntriesStream = kantataStream({
  name: "time_entries",
  request: { path: "time_entries.json", params: { from_archived_workspaces: "true" } },
  schema: z.looseObject({
    id: text(),
    workspace_id: text(),
    user_id: text(),
    story_id: text().nullable(),
    role_id: text().nullable(),
    date_performed: date(),
    time_in_minutes: int(),
    billable: bool(),
    // Rates are shown only to users with financial access.
    rate_in_cents: int().nullish(),
    cost_rate_in_cents: int().nullish(),
    currency: text().nullable(),
    approved: bool(),
    is_invoiced: bool(),
    invoice_id: text().nullable(),
    notes: text().nullable(),
    created_at: timestamp(),
    updated_at: timestamp(),
  }),
});
