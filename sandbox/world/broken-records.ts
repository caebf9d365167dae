import { configError } from "../../core/errors.js";
import type { FirmState } from "./firm-state.js";
import type { SandboxRecord } from "./types.js";
import type { BreakOptions } from "./world-options.js";

/** Per collection: the field to spoil and the value that violates the vendor contract. */
const SPOILERS: Record<string, [string, unknown]> = {
  "kantata.time_entries": ["time_in_minutes", "12x"],
  "kantata.expenses": ["amount_in_cents", "n/a"],
  "kantata.invoices": ["invoice_date", "someday"],
  "kantata.workspaces": ["price_in_cents", "lots"],
  "kantata.users": ["cost_rate_in_cents", "12x"],
  "netsuite.timebill": ["trandate", "31.31.20X6"],
  "netsuite.transaction": ["foreigntotal", "12x"],
  "netsuite.job": ["startdate", "31.31.20X6"],
  "netsuite.customer": ["subsidiary", { broken: true }],
  "netsuite.employee": ["laborcost", "12x"],
  "salesforce.Opportunity": ["Amount", "12x"],
  "salesforce.Account": ["IsDeleted", "maybe"],
  "workday.workers": ["Hire_Date", "soon"],
};

/** Makes `count` live records violate their vendor contract, stamped now so a sync sees them. */
export function breakRandomRecords(state: FirmState, options: BreakOptions): string[] {
  const key = `${options.system}.${options.collection}`;
  const spoiler = SPOILERS[key];
  if (!spoiler) {
    throw configError(`The sandbox cannot break ${key} records.`, {
      hint: `Use one of: ${Object.keys(SPOILERS).join(", ")}.`,
    });
  }
  const collection = state.store.collection(options.system, options.collection);
  const candidates = [...collection.scanByKey()].filter(
    (r) => !state.broken.has(`${key}:${String(r[collection.primaryKey])}`),
  );
  const atMs = state.now();
  return state.rng.sample(candidates, options.count).map((record) => {
    const id = String(record[collection.primaryKey]);
    state.broken.set(`${key}:${id}`, {
      system: options.system,
      collection: options.collection,
      id,
      original: { ...record },
    });
    const spoiled: SandboxRecord = { ...record, [spoiler[0]]: spoiler[1] };
    collection.upsert(spoiled, atMs);
    return id;
  });
}

/** Restores broken records to their good version with a new modified time; returns their ids. */
export function repairBrokenRecords(state: FirmState, ids: string[]): string[] {
  const wanted = new Set(ids);
  const atMs = state.now();
  const repaired: string[] = [];
  for (const [key, broken] of state.broken) {
    if (!wanted.has(broken.id)) continue;
    const collection = state.store.collection(broken.system, broken.collection);
    collection.upsert({ ...broken.original }, atMs);
    state.broken.delete(key);
    repaired.push(broken.id);
  }
  return repaired;
}
