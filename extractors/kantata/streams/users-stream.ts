import { z } from "zod";
import { bool, int, text, timestamp } from "../../engine/fields.js";
import { kantataStream } from "../kantata-request.js";

/** People in the PSA, with their cost rate. */
export const usersStream = kantataStream({
  name: "users",
  schema: z.looseObject({
    id: text(),
    full_name: text(),
    email_address: text().nullable(),
    headline: text().nullable(),
    disabled: bool(),
    cost_rate_in_cents: int().nullable(),
    cost_rate_currency: text().nullable(),
    created_at: timestamp(),
    updated_at: timestamp(),
  }),
});
