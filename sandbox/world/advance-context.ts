import { dayOf, isoDay } from "./calendar.js";
import type { FirmState } from "./firm-state.js";
import type { SystemName } from "./types.js";
import type { KoTimeEntry, NsJob, NsTimebill } from "./vendor-records.js";
import { plantedIds } from "./world-lookups.js";
import type { AdvanceReport } from "./world-options.js";

/** Late arrivals land this many minutes before now at most (inside a 10-minute lookback). */
export const LATE_MINUTES_MAX = 8;

/** Approved entries younger than this may be deleted with their posting (far from R11's 60 days). */
const RECENT_DAYS = 20;

export type ReportKind = "inserted" | "updated" | "deleted";

/** What every system's mutations share within one `advance` call. */
export interface AdvanceContext {
  state: FirmState;
  atMs: number;
  asOfDay: number;
  report: AdvanceReport;
  /** Records a touched id; `ms` below `atMs` marks it late. */
  note(kind: ReportKind, system: SystemName, collection: string, id: string, ms?: number): void;
  /** True for records that planted cases name or that sit broken: advance leaves them alone. */
  untouchable(system: SystemName, collection: string, id: string): boolean;
  /** A random instant 1–8 minutes before now. */
  lateMs(): number;
  /** Takes a random element out of `pool` (undefined when empty). */
  draw<T>(pool: T[]): T | undefined;
  /** Kantata users of active workers with no termination date. */
  activeUsers: Set<string>;
  jobByWorkspace: Map<string, NsJob>;
  /** NetSuite employee id per Kantata user (through the Workday Employee_ID). */
  employeeByUser: Map<string, string>;
  /** Unapproved, unposted entries of active users that advance may approve, edit or delete. */
  pending: KoTimeEntry[];
  /** Recent approved, uninvoiced entries with exactly one (primary) posting: deletable as a pair. */
  posted: Array<{ entry: KoTimeEntry; bill: NsTimebill }>;
}

/** Share of every other collection for a count: ⌈n/2⌉. */
export function share(count: number | undefined): number {
  return Math.ceil((count ?? 0) / 2);
}

/** Builds the shared lookups once per call (one pass over each collection involved). */
export function createAdvanceContext(state: FirmState): AdvanceContext {
  const atMs = state.now();
  const report: AdvanceReport = { atMs, inserted: {}, updated: {}, deleted: {}, late: {} };
  const push = (map: Record<string, string[]>, key: string, id: string) => {
    const list = map[key] ?? [];
    list.push(id);
    map[key] = list;
  };
  const protectedIds = plantedIds(state);
  const untouchable = (system: SystemName, collection: string, id: string) =>
    protectedIds.has(id) ||
    (state.broken.size > 0 && state.broken.has(`${system}.${collection}:${id}`));
  const ctx: AdvanceContext = {
    state,
    atMs,
    asOfDay: dayOf(state.asOf),
    report,
    note(kind, system, collection, id, ms = atMs) {
      push(report[kind], `${system}.${collection}`, id);
      if (ms < atMs) push(report.late, `${system}.${collection}`, id);
    },
    untouchable,
    lateMs: () => atMs - state.rng.int(1, LATE_MINUTES_MAX) * 60_000,
    draw: (pool) =>
      pool.length > 0 ? pool.splice(state.rng.int(0, pool.length - 1), 1)[0] : undefined,
    activeUsers: new Set(),
    jobByWorkspace: new Map(),
    employeeByUser: new Map(),
    pending: [],
    posted: [],
  };
  resolveLinks(ctx);
  return ctx;
}

function resolveLinks(ctx: AdvanceContext): void {
  const { store } = ctx.state;
  const userByWorker = new Map<string, string>();
  for (const ref of store.externalRefs.scanByKey()) {
    if (ref.subject_type === "User" && ref.service_name === "Workday")
      userByWorker.set(ref.service_model_ref, ref.subject_id);
  }
  for (const job of store.jobs.scanByKey()) {
    if (job.externalid?.startsWith("KOX-WS-")) ctx.jobByWorkspace.set(job.externalid.slice(7), job);
  }
  for (const employee of store.employees.scanByKey()) {
    const user = employee.externalid ? userByWorker.get(employee.externalid) : undefined;
    if (user !== undefined) ctx.employeeByUser.set(user, employee.id);
  }
  for (const worker of store.workers.scanByKey()) {
    const user = userByWorker.get(worker.Employee_ID);
    // A planted worker's own case (R10's rate) does not read their time: only terminations do.
    if (worker.Active_Status === "1" && worker.Termination_Date === "" && user !== undefined)
      ctx.activeUsers.add(user);
  }
  // ISO dates compare as strings: no date parsing per entry on a million of them.
  const recent = isoDay(ctx.asOfDay - RECENT_DAYS);
  const approved: KoTimeEntry[] = [];
  for (const entry of store.timeEntries.scanByKey()) {
    if (!ctx.activeUsers.has(entry.user_id)) continue;
    if (ctx.untouchable("kantata", "time_entries", entry.id)) continue;
    // Recent time on a planted project is safe: its cases read old, invoiced or unlinked time.
    if (!ctx.jobByWorkspace.has(entry.workspace_id) || !ctx.employeeByUser.has(entry.user_id))
      continue;
    if (!entry.approved) ctx.pending.push(entry);
    else if (!entry.is_invoiced && entry.invoice_id === null && entry.date_performed >= recent)
      approved.push(entry);
  }
  const candidates = new Set([...ctx.pending, ...approved].map((e) => e.id));
  const bills = new Map<string, NsTimebill[]>();
  for (const bill of store.timebills.scanByKey()) {
    const entryId = bill.custcol_kantata_time_entry;
    if (!entryId || !candidates.has(entryId)) continue;
    const list = bills.get(entryId);
    if (list) list.push(bill);
    else bills.set(entryId, [bill]);
  }
  // A pending entry with a posting is a planted R03 case; pairs must be one primary posting.
  ctx.pending = ctx.pending.filter((e) => !bills.has(e.id));
  for (const entry of approved) {
    const [bill, extra] = bills.get(entry.id) ?? [];
    if (!bill || extra || bill.externalid !== `KOX-TE-${entry.id}`) continue;
    if (!ctx.untouchable("netsuite", "timebill", bill.id)) ctx.posted.push({ entry, bill });
  }
}
