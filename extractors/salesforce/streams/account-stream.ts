import { z } from "zod";
import { bool, text, timestamp } from "../../engine/fields.js";
import { salesforceStream } from "../salesforce-request.js";

/** Customers and prospects (CRM side of the customer master). */
export const accountStream = salesforceStream({
  name: "Account",
  docs: "https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_account.htm",
  schema: z.looseObject({
    Id: text(),
    Name: text(),
    CurrencyIsoCode: text().nullable(),
    BillingCountry: text().nullable(),
    Industry: text().nullable(),
    IsDeleted: bool(),
    CreatedDate: timestamp(),
    SystemModstamp: timestamp(),
  }),
});
