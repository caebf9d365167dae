import { z } from "zod";
import { defineStream } from "../../engine/define-stream.js";
import { blankableDate, date, flag, numericText, text, timestamp } from "../../engine/fields.js";

/** What a Workday stream declares: nothing beyond the report or REST resource in config. */
export type WorkdayRequest = Record<string, never>;

/** Workday sends empty strings for empty report cells. */
const optionalText = () => text().nullable();

/**
 * Workers from the integration's custom report (RaaS: every value is text, booleans "1"/"0"),
 * or the REST workers resource when `mode: rest`.
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
    Termination_Date: blankableDate().nullable(),
    Active_Status: flag("1", "0"),
    Cost_Center: optionalText(),
    Location: optionalText(),
    Manager_ID: optionalText(),
    Legal_Entity: optionalText(),
    Job_Profile: optionalText(),
    Cost_Rate: numericText().nullable(),
    Cost_Rate_Currency: optionalText(),
    Last_Updated: timestamp(),
  }),
});
