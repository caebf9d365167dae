import { z } from "zod";
import { flag, int, money, text, timestamp } from "../../engine/fields.js";
import { netsuiteStream, SUITEQL_DOCS } from "../netsuite-request.js";

/**
 * Invoice lines; `uniquekey` identifies a line across transactions. `transactionline` holds the
 * lines of every transaction type: only those of customer invoices are read, as in `transaction`.
 */
export const transactionlineStream = netsuiteStream({
  name: "transactionline",
  primaryKey: "uniquekey",
  cursor: "linelastmodifieddate",
  request: {
    table: "transactionline",
    where: "transaction IN (SELECT id FROM transaction WHERE type = 'CustInvc')",
  },
  docs: SUITEQL_DOCS,
  schema: z.looseObject({
    uniquekey: text(),
    transaction: text(),
    id: int(),
    mainline: flag("T", "F"),
    netamount: money().nullish(),
    foreignamount: money().nullish(),
    item: text().nullish(),
    entity: text().nullish(),
    memo: text().nullish(),
    linelastmodifieddate: timestamp(),
  }),
});
