import { z } from "zod";
import { bool, int, text, timestamp } from "../../engine/fields.js";
import { kantataStream } from "../kantata-request.js";

/** People in the PSA. */
export const usersStream = kantataStream({
  name: "users",
  schema: z.looseObject({
    id: text(),
    full_name: text(),
    email_address: text().nullable(),
    headline: text().nullable(),
    disabled: bool(),
    // Not user attributes in Kantata's API (cost rates are on account memberships): absent on a
    // real tenant.
    cost_rate_in_cents: int().nullish(),
    cost_rate_currency: text().nullish(),
    created_at: timestamp(),
    updated_at: timestamp(),
  }),
});
