import { z } from "zod";
import { date, int, text, timestamp } from "../../engine/fields.js";
import { kantataStream } from "../kantata-request.js";

/** Invoices drafted in the PSA. */
export const invoicesStream = kantataStream({
  name: "invoices",
  schema: z.looseObject({
    id: text(),
    // Kantata's invoices carry `workspace_ids` and `balance_in_cents` instead (landed as drift):
    // these two are absent on a real tenant.
    workspace_id: text().nullish(),
    invoice_date: date().nullable(),
    currency: text().nullable(),
    status: text().nullable(),
    amount_in_cents: int().nullish(),
    created_at: timestamp(),
    updated_at: timestamp(),
  }),
});
