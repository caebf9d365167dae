import type { GroundTruthEntry } from "../../sandbox/world/types.js";
import { createWorld, type PlantedCase, type World } from "../../sandbox/world/world.js";

export const AS_OF = "2026-05-15";
export const NOW = Date.parse("2026-05-16T12:00:00Z");

/** A world on a fixed business date and a fixed clock. */
export function fixedWorld(size: "small" | "medium" | "large" = "small", seed = 7): World {
  return createWorld({ size, seed, asOf: AS_OF, now: () => NOW });
}

/** The fields the planted list and the reference evaluation must agree on, keyed by rule+key. */
export function comparable(entries: ReadonlyArray<PlantedCase | GroundTruthEntry>) {
  return new Map(
    entries.map((e) => [
      `${e.rule_id}|${e.canonical_key}`,
      {
        case_id: e.case_id,
        hours_impact: e.hours_impact,
        amount_impact: e.amount_impact,
        currency: e.currency,
      },
    ]),
  );
}

/** Every record of every collection, as one JSON string per collection. */
export function snapshot(world: World): Record<string, string> {
  const out: Record<string, string> = {};
  for (const system of ["salesforce", "netsuite", "kantata", "workday"] as const) {
    for (const c of world.collections(system))
      out[`${system}.${c.name}`] = JSON.stringify([...c.scan()]);
  }
  return out;
}
