import { isObject } from "../engine/response-shape.js";

/**
 * Fields of a REST worker summary (`GET /ccx/api/v1/<tenant>/workers`), kept on the landed row
 * as Workday sent them: mapped onto report columns below, or (the rest) not drift.
 * @see https://community.workday.com/sites/default/files/file-hosting/restapi/
 */
export const REST_WORKER_FIELDS = [
  "id",
  "descriptor",
  "href",
  "primaryWorkEmail",
  "primaryWorkPhone",
  "businessTitle",
  "isManager",
  "primarySupervisoryOrganization",
] as const;

/**
 * A REST worker summary with the report columns it can fill: `Employee_ID` ← `id` (the worker's
 * Workday ID, not the employee number a report shows), `Worker` ← `descriptor`, `Email` ←
 * `primaryWorkEmail`. The summary has no hire or termination date, status, cost centre, cost
 * rate or last-updated time: those columns stay absent. Workday leaves empty fields out of the
 * body, so a column is only set when its field is there.
 */
export function restWorkerRow(item: unknown): unknown {
  if (!isObject(item)) return item;
  const row: Record<string, unknown> = { ...item };
  for (const [column, field] of COLUMNS) if (item[field] !== undefined) row[column] = item[field];
  return row;
}

const COLUMNS = [
  ["Employee_ID", "id"],
  ["Worker", "descriptor"],
  ["Email", "primaryWorkEmail"],
] as const;
