import { z } from "zod";
import { bool, date, money, text, timestamp } from "../../engine/fields.js";
import { salesforceStream } from "../salesforce-request.js";

/** Deals: won deals must become projects (R07), amounts feed contract checks (R14). */
export const opportunityStream = salesforceStream({
  name: "Opportunity",
  docs: "https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_opportunity.htm",
  schema: z.looseObject({
    Id: text(),
    AccountId: text().nullable(),
    Name: text(),
    StageName: text(),
    IsWon: bool(),
    IsClosed: bool(),
    CloseDate: date(),
    Amount: money().nullable(),
    CurrencyIsoCode: text().nullable(),
    IsDeleted: bool(),
    CreatedDate: timestamp(),
    SystemModstamp: timestamp(),
  }),
});
