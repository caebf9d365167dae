import type { Clock } from "./calendar.js";
import type { Rng } from "./rng.js";
import type { GroundTruthEntry, RuleId, SandboxRecord, SandboxSize, SystemName } from "./types.js";
import type { WorldStore } from "./world-store.js";

/** A planted case as the planter expects the reconciliation to report it. */
export interface PlantedCase {
  case_id: string;
  rule_id: RuleId;
  canonical_key: string;
  systems: GroundTruthEntry["systems"];
  hours_impact: number | null;
  amount_impact: number | null;
  currency: string | null;
  description: string;
}

/** A record made to violate its vendor contract, with the good version it replaced. */
export interface BrokenRecord {
  system: SystemName;
  collection: string;
  id: string;
  original: SandboxRecord;
}

/** Everything a world holds between calls. */
export interface FirmState {
  seed: number;
  size: SandboxSize;
  asOf: string;
  clock: Clock;
  now: () => number;
  store: WorldStore;
  planted: PlantedCase[];
  /** Random source for mutations after generation (advance, fix, break). */
  rng: Rng;
  ids: IdAllocator;
  broken: Map<string, BrokenRecord>;
}

const ID_BASES: Record<string, number> = {
  "netsuite.subsidiary": 1,
  "netsuite.customer": 1001,
  "netsuite.job": 5001,
  "netsuite.employee": 201,
  "netsuite.timebill": 1,
  "netsuite.transaction": 90001,
  "netsuite.transactionline": 1,
  "netsuite.accountingperiod": 101,
  "kantata.workspace_groups": 100001,
  "kantata.workspaces": 200001,
  "kantata.users": 300001,
  "kantata.stories": 400001,
  "kantata.assignments": 500001,
  "kantata.time_entries": 10000001,
  "kantata.expenses": 20000001,
  "kantata.invoices": 30000001,
  "kantata.external_references": 40000001,
  "salesforce.Account": 1,
  "salesforce.Opportunity": 1,
  "workday.workers": 10001,
};

const SF_PREFIX: Record<string, string> = {
  "salesforce.Account": "001",
  "salesforce.Opportunity": "006",
};

/** Hands out each collection's next id in the vendor's style. */
export class IdAllocator {
  private readonly next = new Map<string, number>();

  /** Next id of `system.collection` (Salesforce 18-char ids, Workday E-numbers, else digits). */
  take(key: string): string {
    const n = this.next.get(key) ?? ID_BASES[key] ?? 1;
    this.next.set(key, n + 1);
    const prefix = SF_PREFIX[key];
    if (prefix) return `${prefix}8d${String(n).padStart(10, "0")}QAA`;
    if (key === "workday.workers") return `E${n}`;
    return String(n);
  }
}

export function caseId(rule: RuleId, index: number): string {
  return `${rule}-${String(index + 1).padStart(4, "0")}`;
}
