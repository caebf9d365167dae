import { z } from "zod";
import { date, money, text, timestamp } from "../../engine/fields.js";
import { netsuiteStream, SUITEQL_DOCS } from "../netsuite-request.js";

/** Projects (the project master: code, customer, entity, budget). */
export const jobStream = netsuiteStream({
  name: "job",
  docs: SUITEQL_DOCS,
  schema: z.looseObject({
    id: text(),
    entityid: text(),
    companyname: text().nullish(),
    parent: text().nullish(),
    customer: text().nullish(),
    externalid: text().nullish(),
    subsidiary: text(),
    currency: text().nullish(),
    entitystatus: text().nullish(),
    jobbillingtype: text().nullish(),
    startdate: date().nullish(),
    projectedenddate: date().nullish(),
    projectedtotalvalue: money().nullish(),
    lastmodifieddate: timestamp(),
  }),
});
