import type { Domain } from "../core/config/governance-schema.js";
import type { Warehouse } from "../warehouse/warehouse.js";
import { countRows, findTable, type StateTable } from "./current-state.js";
import type { WriteItem, WritePlan } from "./plan-types.js";
import { OBJECT_CATALOG } from "./writers/object-catalog.js";

/** Why a plan is held: the target objects (`kantata.users`) over the share, and the reason. */
export interface BlastRadius {
  objects: string[];
  reason: string;
}

/**
 * The blast-radius guard: when the items for one target object touch more than `share` of
 * that object's rows, the whole plan is held. Returns the objects and the reason, or null.
 * `tables` holds each object's landed table; an object whose writes change other records
 * (`radiusStream`) is counted against those.
 */
export async function findBlastRadius(
  wh: Pick<Warehouse, "query" | "quote">,
  items: readonly WriteItem[],
  tables: ReadonlyMap<string, StateTable | undefined>,
  share: number,
): Promise<BlastRadius | null> {
  const touching = new Map<string, { item: WriteItem; count: number }>();
  for (const item of items) {
    if (item.status !== "proposed") continue;
    const key = `${item.target_system}.${item.object}`;
    const seen = touching.get(key);
    touching.set(key, { item, count: (seen?.count ?? 0) + 1 });
  }
  const reasons: string[] = [];
  const objects: string[] = [];
  for (const [key, { item, count }] of touching) {
    const radiusStream = OBJECT_CATALOG[item.target_system][item.object]?.radiusStream;
    const table = radiusStream
      ? await findTable(wh, `src_${item.target_system}`, radiusStream)
      : tables.get(key);
    if (!table) continue;
    const rows = await countRows(wh, table);
    const ratio = rows === 0 ? 1 : count / rows;
    if (ratio > share) {
      objects.push(key);
      const counted = radiusStream ? `${table.table} rows` : "rows";
      reasons.push(
        `${key}: ${count} of ${rows} ${counted} (${pct(ratio)}) exceeds the blast radius of ${pct(share)}`,
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

/** A held object's key, `target.object` (`kantata.users`), as `held_objects` lists it. */
export const objectKey = (item: Pick<WriteItem, "target_system" | "object">): string =>
  `${item.target_system}.${item.object}`;

/**
 * The held objects of a plan no steward has confirmed yet; the plan stays held as a whole until
 * there are none. A confirmation covers only the held objects whose items it approves, so each
 * is confirmed by a steward of its domain. Plans stored before the held objects were recorded
 * are one object, `*`, every item's.
 */
export function unconfirmedObjects(plan: WritePlan): string[] {
  if (!awaitsConfirmation(plan)) return [];
  const held = plan.summary.held_objects;
  if (!Array.isArray(held)) return ["*"];
  const confirmed = plan.summary.confirmed_objects;
  const done = Array.isArray(confirmed) ? confirmed : [];
  return held.map(String).filter((object) => !done.includes(object));
}

/**
 * The unconfirmed held objects that still have undecided items among `items`: what keeps a held
 * plan held. A held object whose items were all decided otherwise (rejected) needs no
 * confirmation, and an approved item's object was confirmed when it was approved.
 */
export function awaitingObjects(plan: WritePlan, items: readonly WriteItem[]): string[] {
  return unconfirmedObjects(plan).filter((object) =>
    items.some(
      (item) => item.status === "proposed" && (object === "*" || objectKey(item) === object),
    ),
  );
}

/** The domains of the items on `objects` (`*`: every item): the stewards who may confirm them. */
export function objectDomains(objects: readonly string[], items: readonly WriteItem[]): Domain[] {
  const on = items.filter((item) => objects.includes("*") || objects.includes(objectKey(item)));
  return [...new Set(on.map((item) => item.domain))].sort();
}

/**
 * The domains of the items that put a held plan over the blast radius: only a steward of all of
 * them may confirm it. Plans stored before the held objects were recorded count every item.
 */
export function heldDomains(plan: WritePlan, items: readonly WriteItem[]): Domain[] {
  const objects = plan.summary.held_objects;
  return objectDomains(Array.isArray(objects) ? objects.map(String) : ["*"], items);
}

function pct(ratio: number): string {
  return `${Math.round(ratio * 1000) / 10}%`;
}
