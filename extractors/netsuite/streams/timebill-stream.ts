import { z } from "zod";
import { date, flag, money, num, text, timestamp } from "../../engine/fields.js";
import { netsuiteStream, SUITEQL_DOCS } from "../netsuite-request.js";

/** Posted time (`customer` holds the project). */
export const timebillStream = netsuiteStream({
  name: "timebill",
  docs: SUITEQL_DOCS,
  schema: z.looseObject({
    id: text(),
    employee: text(),
    customer: text().nullish(),
    hours: num(),
    isbillable: flag("T", "F"),
    rate: money().nullish(),
    trandate: date(),
    approvalstatus: text().nullish(),
    externalid: text().nullish(),
    custcol_kantata_time_entry: text().nullish(),
    memo: text().nullish(),
    lastmodifieddate: timestamp(),
  }),
});
