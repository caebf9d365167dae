import { z } from "zod";
import { defineStream } from "../../engine/define-stream.js";
import { blankableDate, date, flag, numericText, text, timestamp } from "../../engine/fields.js";

/** What a Workday stream declares: nothing beyond the report or REST resource in config. */
export type WorkdayRequest = Record<string, never>;

/**
 * A cell that may be empty. Workday's JSON report output leaves empty cells out of the row
 * (an active worker has no `Termination_Date` key at all); a report that writes them sends "".
 */
const optionalText = () => text().nullish();

/**
 * Workers from the integration's custom report (RaaS: every value is text, booleans "1"/"0"),
 * or the REST workers resource when `mode: rest` (`workersRestStream`).
 */
export const workersStream = defineStream<WorkdayRequest>({
  name: "workers",
  primaryKey: "Employee_ID",
  cursor: "Last_Updated",
  request: {},
  docs: "https://doc.workday.com/admin-guide/en-us/integrations/reports-as-a-service.html",
  schema: z.looseObject({
    Employee_ID: text(),
    Worker: text(),
    Email: optionalText(),
    Worker_Type: optionalText(),
    Hire_Date: date(),
    Termination_Date: blankableDate().nullish(),
    Active_Status: flag("1", "0"),
    Cost_Center: optionalText(),
    Location: optionalText(),
    Manager_ID: optionalText(),
    Legal_Entity: optionalText(),
    Job_Profile: optionalText(),
    // Numeric cells are left out when empty; a blank numeric cell ("") is not accepted.
    Cost_Rate: numericText().nullish(),
    Cost_Rate_Currency: optionalText(),
    Last_Updated: timestamp(),
  }),
});

/**
 * The same table read from the REST workers list (`mode: rest`). A REST worker summary carries
 * no hire date, status or last-updated time, so those columns may be absent: the source maps
 * what the REST item holds onto the report's columns (`workday-rest-workers.ts`).
 * @see https://community.workday.com/sites/default/files/file-hosting/restapi/
 */
export const workersRestStream = defineStream<WorkdayRequest>({
  ...workersStream,
  docs: "https://community.workday.com/sites/default/files/file-hosting/restapi/",
  schema: workersStream.schema.partial({
    Hire_Date: true,
    Active_Status: true,
    Last_Updated: true,
  }),
});
