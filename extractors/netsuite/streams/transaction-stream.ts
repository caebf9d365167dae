import { z } from "zod";
import { date, money, text, timestamp } from "../../engine/fields.js";
import { netsuiteStream, SUITEQL_DOCS } from "../netsuite-request.js";

/** Customer invoices (`type = 'CustInvc'`). */
export const transactionStream = netsuiteStream({
  name: "transaction",
  request: { table: "transaction", where: "type = 'CustInvc'" },
  docs: SUITEQL_DOCS,
  schema: z.looseObject({
    id: text(),
    type: text(),
    tranid: text(),
    trandate: date(),
    entity: text(),
    status: text().nullish(),
    foreigntotal: money(),
    currency: text().nullish(),
    postingperiod: text().nullish(),
    externalid: text().nullish(),
    memo: text().nullish(),
    lastmodifieddate: timestamp(),
  }),
});
