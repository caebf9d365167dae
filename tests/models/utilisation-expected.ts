import type { World } from "../../sandbox/world/world.js";
import { roundTo } from "./project-financials-expected.js";
import { userWorkers } from "./sandbox-lookups.js";

/** One worker month of marts.utilisation. */
export interface WorkerMonth {
  hours: number;
  billableHours: number;
  capacityHours: number;
  utilisationPct: number | null;
  occupancyPct: number | null;
}

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const monthOf = (isoDate: string) => `${isoDate.slice(0, 7)}-01`;

/**
 * What marts.utilisation must hold, per `worker_id|YYYY-MM-01`, from the sandbox's records: a
 * row for every month from the first month of approved time to the as-of month in which a Workday
 * worker was employed (hire to termination), and every month with approved time; capacity is
 * 8 hours a weekday employed between the first day of approved time and the as-of date.
 */
export function expectedUtilisation(world: World): Map<string, WorkerMonth> {
  const links = userWorkers(world);
  const time = new Map<string, { minutes: number; billableMinutes: number }>();
  let firstDay: string | undefined;
  for (const entry of world.collection("kantata", "time_entries").scan()) {
    if (entry.approved !== true) continue;
    const day = String(entry.date_performed);
    if (firstDay === undefined || day < firstDay) firstDay = day;
    const workerId =
      links.get(String(entry.user_id))?.workerId ?? `worker:kantata:${entry.user_id}`;
    const key = `${workerId}|${monthOf(day)}`;
    const row = time.get(key) ?? { minutes: 0, billableMinutes: 0 };
    row.minutes += Number(entry.time_in_minutes);
    if (entry.billable === true) row.billableMinutes += Number(entry.time_in_minutes);
    time.set(key, row);
  }
  if (firstDay === undefined) return new Map();
  const asOf = world.asOf;

  const employment = new Map<string, { hire?: string; termination?: string }>();
  for (const worker of world.collection("workday", "workers").scan()) {
    employment.set(`worker:workday:${worker.Employee_ID}`, {
      hire: String(worker.Hire_Date ?? "") || undefined,
      termination: String(worker.Termination_Date ?? "") || undefined,
    });
  }
  const keys = new Set(time.keys());
  for (let month = monthOf(firstDay); month <= monthOf(asOf); month = nextMonth(month)) {
    for (const [workerId, { hire, termination }] of employment) {
      if (hire === undefined || monthOf(hire) > month) continue;
      if (termination !== undefined && termination < month) continue;
      keys.add(`${workerId}|${month}`);
    }
  }

  const expected = new Map<string, WorkerMonth>();
  for (const key of keys) {
    const [workerId = "", month = ""] = key.split("|");
    const { hire, termination } = employment.get(workerId) ?? {};
    let days = 0;
    for (let ms = Date.parse(month); isoDay(ms) < nextMonth(month); ms += DAY_MS) {
      const day = isoDay(ms);
      const weekday = new Date(ms).getUTCDay();
      if (weekday === 0 || weekday === 6 || day < firstDay || day > asOf) continue;
      if ((hire !== undefined && day < hire) || (termination !== undefined && day > termination))
        continue;
      days += 1;
    }
    const { minutes = 0, billableMinutes = 0 } = time.get(key) ?? {};
    const capacity = 8 * days;
    expected.set(key, {
      hours: roundTo(minutes / 60, 2),
      billableHours: roundTo(billableMinutes / 60, 2),
      capacityHours: capacity,
      utilisationPct: capacity > 0 ? roundTo(billableMinutes / 60 / capacity, 4) : null,
      occupancyPct: capacity > 0 ? roundTo(minutes / 60 / capacity, 4) : null,
    });
  }
  return expected;
}

function nextMonth(month: string): string {
  const date = new Date(`${month}T00:00:00Z`);
  date.setUTCMonth(date.getUTCMonth() + 1);
  return isoDay(date.getTime());
}
