import { en, Faker } from "@faker-js/faker";
import { generateBilling } from "./billing-generator.js";
import { Clock, dayOf } from "./calendar.js";
import { generateClients } from "./client-generator.js";
import type { GenContext } from "./firm-model.js";
import { caseId, type FirmState, IdAllocator } from "./firm-state.js";
import { declareCustomFields } from "./kantata-custom-fields.js";
import {
  plantDuplicateClientGroup,
  plantMasterCases,
  plantSecondEntityCustomer,
} from "./master-plants.js";
import { generatePeople } from "./people-generator.js";
import { plantPostingCases } from "./posting-plants.js";
import { generateProjects } from "./project-generator.js";
import { Rng } from "./rng.js";
import { SIZE_PRESETS } from "./size-presets.js";
import { generateStaffing } from "./staffing-generator.js";
import { generateTime } from "./time-generator.js";
import { plantTimeCases } from "./time-plants.js";
import type { RuleId } from "./types.js";
import type { WorldOptions } from "./world-options.js";
import { WorldStore } from "./world-store.js";

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Generates the firm for (seed, size, asOf) and plants every rule's cases. */
export function generateFirm(options: WorldOptions): FirmState {
  const now = options.now ?? Date.now;
  const asOf = options.asOf ?? new Date(now()).toISOString().slice(0, 10);
  if (!ISO_DATE.test(asOf) || Number.isNaN(dayOf(asOf))) {
    throw new Error(`asOf must be a YYYY-MM-DD date, got "${asOf}"`);
  }
  const asOfDay = dayOf(asOf);
  const state: FirmState = {
    seed: options.seed,
    size: options.size,
    asOf,
    clock: new Clock(asOfDay, now()),
    now,
    store: new WorldStore(),
    planted: [],
    rng: new Rng(options.seed ^ 0x5eed),
    ids: new IdAllocator(),
    broken: new Map(),
  };
  const faker = new Faker({ locale: [en] });
  faker.seed(options.seed);
  const perRule = new Map<RuleId, number>();
  const ctx: GenContext = {
    state,
    rng: new Rng(options.seed),
    faker,
    preset: SIZE_PRESETS[options.size],
    asOfDay,
    clients: [],
    workers: [],
    projects: [],
    entries: {
      records: [],
      day: [],
      worker: [],
      project: [],
      approvedDay: [],
      approvedMinute: [],
      touchedMs: [],
    },
    plantedClients: new Set(),
    unposted: new Set(),
    uninvoiced: new Set(),
    unbilledMilestones: new Set(),
    postings: new Map(),
    deletedEntries: new Set(),
    plant(entry) {
      const n = perRule.get(entry.rule_id) ?? 0;
      perRule.set(entry.rule_id, n + 1);
      state.planted.push({ case_id: caseId(entry.rule_id, n), ...entry });
    },
  };
  // The tenant was configured before its first client (clients start 420 days before as-of).
  declareCustomFields(state, state.clock.at(asOfDay - 420, 420));
  generateClients(ctx);
  generatePeople(ctx);
  generateProjects(ctx);
  plantMasterCases(ctx);
  generateStaffing(ctx);
  generateTime(ctx);
  const used = new Set<number>();
  plantTimeCases(ctx, used);
  const links = generateBilling(ctx);
  plantPostingCases(ctx, used, links);
  loadEntries(ctx);
  plantDuplicateClientGroup(ctx);
  plantSecondEntityCustomer(ctx);
  return state;
}

function loadEntries(ctx: GenContext): void {
  const t = ctx.entries;
  const collection = ctx.state.store.timeEntries;
  for (let i = 0; i < t.records.length; i += 1) {
    if (ctx.deletedEntries.has(i)) continue;
    collection.upsert(t.records[i]!, t.touchedMs[i]!);
  }
}
