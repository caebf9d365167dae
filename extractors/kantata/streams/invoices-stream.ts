import { z } from "zod";
import { date, int, text, timestamp } from "../../engine/fields.js";
import { kantataStream } from "../kantata-request.js";

/** Invoices drafted in the PSA. */
export const invoicesStream = kantataStream({
  name: "invoices",
  schema: z.looseObject({
    id: text(),
    workspace_id: text().nullable(),
    invoice_date: date().nullable(),
    currency: text().nullable(),
    status: text().nullable(),
    amount_in_cents: int().nullable(),
    created_at: timestamp(),
    updated_at: timestamp(),
  }),
});
