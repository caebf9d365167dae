import { z } from "zod";
import { flag, text, timestamp } from "../../engine/fields.js";
import { netsuiteStream, SUITEQL_DOCS } from "../netsuite-request.js";

/** The customer master (NetSuite owns it). */
export const customerStream = netsuiteStream({
  name: "customer",
  docs: SUITEQL_DOCS,
  schema: z.looseObject({
    id: text(),
    entityid: text(),
    companyname: text().nullish(),
    externalid: text().nullish(),
    subsidiary: text(),
    currency: text().nullish(),
    isinactive: flag("T", "F"),
    lastmodifieddate: timestamp(),
  }),
});
