import { z } from "zod";
import { bool, date, int, text, timestamp } from "../../engine/fields.js";
import { kantataStream } from "../kantata-request.js";

/** Expenses logged against workspaces. */
export const expensesStream = kantataStream({
  name: "expenses",
  schema: z.looseObject({
    id: text(),
    workspace_id: text(),
    user_id: text().nullable(),
    date: date(),
    category: text().nullable(),
    notes: text().nullable(),
    amount_in_cents: int(),
    currency: text().nullable(),
    billable: bool(),
    approved: bool(),
    is_invoiced: bool(),
    created_at: timestamp(),
    updated_at: timestamp(),
  }),
});
