import { z } from "zod";
import { bool, date, int, text, timestamp } from "../../engine/fields.js";
import { kantataStream } from "../kantata-request.js";

/** Expenses logged against workspaces; the list hides archived workspaces' unless asked. */
export const expensesStream = kantataStream({
  name: "expenses",
  request: { path: "expenses.json", params: { from_archived_workspaces: "true" } },
  schema: z.looseObject({
    id: text(),
    workspace_id: text(),
    user_id: text().nullable(),
    date: date(),
    category: text().nullable(),
    notes: text().nullable(),
    amount_in_cents: int(),
    currency: text().nullable(),
    is_billable: bool(),
    // Not an expense attribute in Kantata's API (only a list filter): absent on a real tenant.
    approved: bool().optional(),
    is_invoiced: bool(),
    created_at: timestamp(),
    updated_at: timestamp(),
  }),
});
