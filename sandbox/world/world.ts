import { applyAdvance } from "./advance-mutations.js";
import { breakRandomRecords, repairBrokenRecords } from "./broken-records.js";
import { applyFixes } from "./case-fixes.js";
import { generateFirm } from "./firm-generator.js";
import type { FirmState, PlantedCase } from "./firm-state.js";
import { evaluateRules } from "./reference-rules.js";
import { DEFAULT_THRESHOLDS } from "./rule-thresholds.js";
import type { Collection, GroundTruth, SandboxSize, SystemName } from "./types.js";
import type {
  AdvanceOptions,
  AdvanceReport,
  BreakOptions,
  FixOptions,
  WorldOptions,
} from "./world-options.js";

export type { AdvanceOptions, AdvanceReport, BreakOptions, FixOptions, PlantedCase, WorldOptions };

/** A seeded consulting firm spread over four imitated systems, with planted inconsistencies. */
export interface World {
  readonly seed: number;
  readonly size: SandboxSize;
  /** Business date (YYYY-MM-DD) the data and the rules' ageing are anchored to. */
  readonly asOf: string;
  collection(system: SystemName, name: string): Collection;
  collections(system: SystemName): Collection[];
  /** The reference evaluation of every rule over the current data, tagged with planted case ids. */
  groundTruth(): GroundTruth;
  /** Mutations between two syncs, stamped at now() (late arrivals a few minutes before). */
  advance(options: AdvanceOptions): AdvanceReport;
  /** The cases planted at generation, with the impacts the planter expects. */
  plantedCases(): readonly PlantedCase[];
  /** Repairs planted cases at their source; returns the case ids fixed. */
  fix(options: FixOptions): string[];
  /** Makes records violate the vendor contract; returns their ids. */
  breakRecords(options: BreakOptions): string[];
  /** Mends broken records (new modified time) so the next sync picks them up. */
  repairRecords(ids: string[]): string[];
}

/** Builds the world for (seed, size, asOf); deterministic for the same UTC day of now(). */
export function createWorld(options: WorldOptions): World {
  const state: FirmState = generateFirm(options);
  return {
    seed: state.seed,
    size: state.size,
    asOf: state.asOf,
    collection: (system, name) => state.store.collection(system, name),
    collections: (system) => state.store.collections(system),
    plantedCases: () => state.planted,
    groundTruth: () => evaluateRules(state, DEFAULT_THRESHOLDS),
    advance: (advanceOptions) => applyAdvance(state, advanceOptions),
    fix: (fixOptions) => applyFixes(state, fixOptions),
    breakRecords: (breakOptions) => breakRandomRecords(state, breakOptions),
    repairRecords: (ids) => repairBrokenRecords(state, ids),
  };
}
