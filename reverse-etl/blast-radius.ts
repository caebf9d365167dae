import type { Warehouse } from "../warehouse/warehouse.js";
import { countRows, type StateTable } from "./current-state.js";
import type { WriteItem } from "./plan-types.js";

/**
 * The blast-radius guard: when the items for one target object touch more than `share` of
 * that object's rows, the whole plan is held. Returns the reason, or null.
 */
export async function findBlastRadius(
  wh: Pick<Warehouse, "query" | "quote">,
  items: readonly WriteItem[],
  tables: ReadonlyMap<string, StateTable | undefined>,
  share: number,
): Promise<string | null> {
  const touching = new Map<string, number>();
  for (const item of items) {
    if (item.status !== "proposed") continue;
    const key = `${item.target_system}.${item.object}`;
    touching.set(key, (touching.get(key) ?? 0) + 1);
  }
  const reasons: string[] = [];
  for (const [key, count] of touching) {
    const table = tables.get(key);
    if (!table) continue;
    const rows = await countRows(wh, table);
    const ratio = rows === 0 ? 1 : count / rows;
    if (ratio > share) {
      reasons.push(
        `${key}: ${count} of ${rows} rows (${pct(ratio)}) exceeds the blast radius of ${pct(share)}`,
      );
    }
  }
  return reasons.length > 0
    ? `${reasons.join("; ")}: a steward must confirm with --confirm-blast-radius`
    : null;
}

function pct(ratio: number): string {
  return `${Math.round(ratio * 1000) / 10}%`;
}
