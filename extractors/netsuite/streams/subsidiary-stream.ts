import { z } from "zod";
import { text, timestamp } from "../../engine/fields.js";
import { netsuiteStream, SUITEQL_DOCS } from "../netsuite-request.js";

/** Legal entities. */
export const subsidiaryStream = netsuiteStream({
  name: "subsidiary",
  docs: SUITEQL_DOCS,
  schema: z.looseObject({
    id: text(),
    name: text(),
    currency: text().nullish(),
    country: text().nullish(),
    lastmodifieddate: timestamp(),
  }),
});
