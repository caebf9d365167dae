import { createHash } from "node:crypto";
import type { SandboxRecord } from "../../world/types.js";
import { parseVendorTime } from "../query/query-model.js";
import type { SandboxLimits } from "../server-types.js";

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A date with its zone, as Workday writes date prompts in a report's URLs: `2026-01-01-08:00`. */
const DATE_WITH_ZONE = /^(\d{4}-\d{2}-\d{2})([+-]\d{2}:\d{2})$/;

/**
 * A report prompt's instant, read as the prompt's type takes it: a `date_time` prompt a date and
 * time (`2026-01-01T00:00:00Z`), a `date` prompt a date (midnight UTC) or a date with its zone
 * (midnight there). NaN for any other text.
 */
export function parsePrompt(raw: string, type: SandboxLimits["workdayPromptType"]): number {
  // An unencoded "+" in a query string reads as a space.
  const text = raw.replace(" ", "+");
  if (type === "date_time") return /\d[T ]\d/.test(text) ? parseVendorTime(text) : Number.NaN;
  if (DATE.test(text)) return Date.parse(`${text}T00:00:00Z`);
  const zoned = DATE_WITH_ZONE.exec(text);
  return zoned ? Date.parse(`${zoned[1]}T00:00:00${zoned[2]}`) : Number.NaN;
}

/**
 * A worker as the JSON report writes it: Workday leaves empty cells out of a row, so an active
 * worker has no `Termination_Date` key (the world holds "" there).
 */
export function reportRow(worker: SandboxRecord): string {
  return JSON.stringify(worker, (key, value: unknown) =>
    key !== "" && (value === "" || value === null) ? undefined : value,
  );
}

/** A worker's Workday ID (WID): 32 hex digits, stable for the worker, unlike its position. */
export function workerWid(employeeId: unknown): string {
  return createHash("sha256")
    .update(`worker|${String(employeeId)}`)
    .digest("hex")
    .slice(0, 32);
}

/**
 * A worker as the REST list's worker summary holds it: its Workday ID, display name, link,
 * business title, work email and whether it manages anyone; no employee number, dates, status
 * or cost rate. Empty fields are left out, as Workday does.
 * @see https://community.workday.com/sites/default/files/file-hosting/restapi/
 */
export function restWorker(
  worker: SandboxRecord,
  listUrl: string,
  managers: ReadonlySet<string>,
): Record<string, unknown> {
  const id = workerWid(worker.Employee_ID);
  const summary: Record<string, unknown> = {
    id,
    descriptor: String(worker.Worker),
    href: `${listUrl}/${id}`,
    businessTitle: worker.Job_Profile,
    primaryWorkEmail: worker.Email,
    isManager: managers.has(String(worker.Employee_ID)),
  };
  for (const [field, value] of Object.entries(summary))
    if (value === "" || value === null || value === undefined) delete summary[field];
  return summary;
}
