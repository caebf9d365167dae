import type { Faker } from "@faker-js/faker";
import type { FirmState, PlantedCase } from "./firm-state.js";
import type { Rng } from "./rng.js";
import type { SizePreset } from "./size-presets.js";
import type { KoTimeEntry } from "./vendor-records.js";

/** The firm's three legal entities (NetSuite subsidiaries, Workday companies). */
export const ENTITIES = [
  {
    subsidiary: "1",
    name: "Northwind Consulting Inc.",
    currency: "USD",
    country: "US",
    location: "New York",
  },
  {
    subsidiary: "2",
    name: "Northwind Consulting Ltd.",
    currency: "GBP",
    country: "GB",
    location: "London",
  },
  {
    subsidiary: "3",
    name: "Northwind Consulting GmbH",
    currency: "EUR",
    country: "DE",
    location: "Berlin",
  },
] as const;

/** Client billing countries and the legal entity that serves each (R08's legal_entity map). */
export const COUNTRIES = [
  { name: "United States", entity: 0 },
  { name: "Canada", entity: 0 },
  { name: "United Kingdom", entity: 1 },
  { name: "Ireland", entity: 1 },
  { name: "Germany", entity: 2 },
  { name: "Austria", entity: 2 },
  { name: "Switzerland", entity: 2 },
  { name: "Netherlands", entity: 2 },
] as const;

export const PROFILES = [
  { name: "Analyst", billCents: 11_000, cost: [45, 60] },
  { name: "Consultant", billCents: 15_000, cost: [60, 80] },
  { name: "Senior Consultant", billCents: 19_000, cost: [80, 100] },
  { name: "Manager", billCents: 24_000, cost: [100, 125] },
  { name: "Director", billCents: 30_000, cost: [125, 160] },
] as const;

export type BillingType = "TM" | "FFM" | "CB";
export type R09Reason = "active_in_psa" | "assigned" | "time_after_termination";

export interface ClientPlan {
  accountId: string;
  customerId: string;
  groupId: string;
  name: string;
  country: string;
  entity: number;
  currency: string;
}

export interface WorkerPlan {
  employeeId: string;
  userId: string;
  nsEmployeeId: string;
  entity: number;
  profile: number;
  costRateCents: number;
  hireDay: number;
  termDay: number | null;
  projects: number[];
  r09: R09Reason[];
  /** Last day the worker logs time (after termination for planted R09 cases). */
  lastDay: number;
  planted: boolean;
}

export interface ProjectPlan {
  wsId: string;
  jobId: string | null;
  oppId: string | null;
  client: ClientPlan;
  type: BillingType;
  startDay: number;
  dueDay: number;
  priceCents: number;
  statusKey: number;
  taskIds: string[];
  milestones: Array<{ id: string; dueDay: number; budgetCents: number }>;
  staffed: boolean;
  planted: boolean;
}

/** Time entries during generation, with their business day and plan indexes alongside. */
export interface EntryTable {
  records: KoTimeEntry[];
  day: number[];
  worker: number[];
  project: number[];
  /** Day the entry was approved, or -1 while pending. */
  approvedDay: number[];
  approvedMinute: number[];
  /** Epoch ms of the entry's last change (creation, approval or invoicing). */
  touchedMs: number[];
}

export interface GenContext {
  state: FirmState;
  rng: Rng;
  faker: Faker;
  preset: SizePreset;
  asOfDay: number;
  clients: ClientPlan[];
  workers: WorkerPlan[];
  projects: ProjectPlan[];
  entries: EntryTable;
  /** NetSuite customer ids whose master data carries a planted case (R08). */
  plantedClients: Set<string>;
  /** Entries approved but deliberately left unposted (R01, R15). */
  unposted: Set<number>;
  /** Billable entries deliberately left out of invoices (R11). */
  uninvoiced: Set<number>;
  /** Billing milestones deliberately left uninvoiced (R13). */
  unbilledMilestones: Set<string>;
  /** Entry index → timebill id of its posting. */
  postings: Map<number, string>;
  /** Entries posted and then deleted from Kantata (R03). */
  deletedEntries: Set<number>;
  plant(entry: Omit<PlantedCase, "case_id">): void;
}
