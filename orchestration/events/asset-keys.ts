import type { SystemName } from "../../sandbox/world/types.js";

/**
 * The asset keys and check names pslink reports to orchestrators. The Dagster code location
 * reads them from `--list-assets` rather than spelling them again, so they are named once, here.
 */
export type AssetKey = readonly string[];

/** Checks on each stream's current-state table. */
export const QUARANTINE_CHECK = "quarantine";
export const FRESHNESS_CHECK = "freshness";
/** Open exceptions per rule against their maximum, on `reconciliation.exceptions`. */
export const RECONCILIATION_CHECK = "reconciliation_thresholds";
export const EXCEPTIONS_RELATION = "reconciliation.exceptions";

/** The write plan `pslink plan` stores, and what `pslink apply` wrote per target system. */
export const WRITE_PLAN_ASSET: AssetKey = ["reverse_etl", "write_plan"];

/** `raw_<system>.<stream>`: the append-only landing table of a stream. */
export function rawAssetKey(system: SystemName, stream: string): AssetKey {
  return [`raw_${system}`, stream.toLowerCase()];
}

/** `src_<system>.<stream>`: the current-state table of a stream. */
export function srcAssetKey(system: SystemName, stream: string): AssetKey {
  return [`src_${system}`, stream.toLowerCase()];
}

/** A warehouse relation `schema.table` as an asset key. */
export function relationAssetKey(relation: string): AssetKey {
  const dot = relation.indexOf(".");
  return dot < 0 ? [relation] : [relation.slice(0, dot), relation.slice(dot + 1)];
}

/** What the apply job wrote into one target system. */
export function writebackAssetKey(target: string): AssetKey {
  return ["reverse_etl", target];
}

/** A data test's name as a Dagster check name (letters, digits and `_` only). */
export function testCheckName(testName: string): string {
  return testName.replace(/[^A-Za-z0-9_]/g, "_");
}
