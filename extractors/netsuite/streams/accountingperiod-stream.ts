import { z } from "zod";
import { date, flag, text, timestamp } from "../../engine/fields.js";
import { netsuiteStream, SUITEQL_DOCS } from "../netsuite-request.js";

/** Accounting periods and whether they are closed (R15). */
export const accountingperiodStream = netsuiteStream({
  name: "accountingperiod",
  docs: SUITEQL_DOCS,
  schema: z.looseObject({
    id: text(),
    periodname: text(),
    startdate: date(),
    enddate: date(),
    closed: flag("T", "F"),
    isyear: flag("T", "F"),
    isquarter: flag("T", "F"),
    lastmodifieddate: timestamp(),
  }),
});
