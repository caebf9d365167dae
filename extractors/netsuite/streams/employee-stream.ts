import { z } from "zod";
import { flag, money, text, timestamp } from "../../engine/fields.js";
import { netsuiteStream, SUITEQL_DOCS } from "../netsuite-request.js";

/** Employees (ERP side of worker identity and labour cost). */
export const employeeStream = netsuiteStream({
  name: "employee",
  docs: SUITEQL_DOCS,
  schema: z.looseObject({
    id: text(),
    entityid: text(),
    email: text().nullish(),
    externalid: text().nullish(),
    subsidiary: text(),
    laborcost: money().nullish(),
    isinactive: flag("T", "F"),
    lastmodifieddate: timestamp(),
  }),
});
