import type { Domain } from "../core/config/governance-schema.js";
import type { Warehouse } from "../warehouse/warehouse.js";
import { countRows, type StateTable } from "./current-state.js";
import type { WriteItem, WritePlan } from "./plan-types.js";

/** Why a plan is held: the target objects (`kantata.users`) over the share, and the reason. */
export interface BlastRadius {
  objects: string[];
  reason: string;
}

/**
 * The blast-radius guard: when the items for one target object touch more than `share` of
 * that object's rows, the whole plan is held. Returns the objects and the reason, or null.
 */
export async function findBlastRadius(
  wh: Pick<Warehouse, "query" | "quote">,
  items: readonly WriteItem[],
  tables: ReadonlyMap<string, StateTable | undefined>,
  share: number,
): Promise<BlastRadius | null> {
  const touching = new Map<string, number>();
  for (const item of items) {
    if (item.status !== "proposed") continue;
    const key = `${item.target_system}.${item.object}`;
    touching.set(key, (touching.get(key) ?? 0) + 1);
  }
  const reasons: string[] = [];
  const objects: string[] = [];
  for (const [key, count] of touching) {
    const table = tables.get(key);
    if (!table) continue;
    const rows = await countRows(wh, table);
    const ratio = rows === 0 ? 1 : count / rows;
    if (ratio > share) {
      objects.push(key);
      reasons.push(
        `${key}: ${count} of ${rows} rows (${pct(ratio)}) exceeds the blast radius of ${pct(share)}`,
      );
    }
  }
  if (objects.length === 0) return null;
  return { objects, reason: reasons.join("; ") };
}

/** The stewards who decide every one of `domains`: who may confirm a held plan. */
export function confirmingStewards(
  stewards: readonly { name: string; domains: readonly Domain[] }[],
  domains: readonly Domain[],
): string[] {
  return stewards
    .filter((steward) => domains.every((domain) => steward.domains.includes(domain)))
    .map((steward) => steward.name);
}

/** Whether the blast-radius guard holds the plan and no steward has confirmed it yet. */
export const awaitsConfirmation = (plan: WritePlan): boolean =>
  plan.status === "held" && plan.confirmed_by === null;

/**
 * The domains of the items that put a held plan over the blast radius: only a steward of all of
 * them may confirm it. Plans stored before the held objects were recorded count every item.
 */
export function heldDomains(plan: WritePlan, items: readonly WriteItem[]): Domain[] {
  const objects = plan.summary.held_objects;
  const held = Array.isArray(objects)
    ? items.filter((item) => objects.includes(`${item.target_system}.${item.object}`))
    : items;
  return [...new Set(held.map((item) => item.domain))].sort();
}

function pct(ratio: number): string {
  return `${Math.round(ratio * 1000) / 10}%`;
}
