import { declaredFields, type StreamDefinition } from "../../../extractors/engine/define-stream.js";
import { STREAM_CATALOG } from "../../../extractors/stream-catalog.js";
import { landingLayout } from "../../../loaders/landing-layout.js";
import type { SystemName } from "../../../sandbox/world/types.js";
import type { World } from "../../../sandbox/world/world.js";
import type { Warehouse } from "../../../warehouse/warehouse.js";
import { sandboxCollection } from "./sandbox-collections.js";

/** Every declared stream with its system. */
export function allStreams(): { system: SystemName; stream: StreamDefinition }[] {
  return (Object.entries(STREAM_CATALOG) as [SystemName, readonly StreamDefinition[]][]).flatMap(
    ([system, streams]) => streams.map((stream) => ({ system, stream })),
  );
}

/** A stream's declared fields of each record, by key, as JSON text (what must match). */
export type StreamContent = Map<string, string>;

function contentOf(
  stream: StreamDefinition,
  record: Record<string, unknown>,
  blankIsAbsent = false,
  shown: (value: unknown) => unknown = (value) => value,
): string {
  return canonicalJson(
    declaredFields(stream).map((field) =>
      blankIsAbsent && record[field] === "" ? null : (shown(record[field]) ?? null),
    ),
  );
}

/** JSON with object keys sorted (PostgreSQL jsonb does not keep key order). */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  );
}

function keyOf(stream: StreamDefinition, record: Record<string, unknown>): string {
  return stream.primaryKey.map((field) => String(record[field])).join("|");
}

/**
 * The world's live records of a stream, each value as `shown` gives it (the vendor's rendering,
 * when it is not the world's own: NetSuite's date-times in an account zone).
 */
export function worldContent(
  world: World,
  system: SystemName,
  stream: StreamDefinition,
  shown?: (value: unknown) => unknown,
): StreamContent {
  // Workday's JSON report leaves empty cells out: the world's "" lands as nothing.
  const blankIsAbsent = system === "workday";
  const content: StreamContent = new Map();
  for (const record of sandboxCollection(world, system, stream.name).scan()) {
    content.set(keyOf(stream, record), contentOf(stream, record, blankIsAbsent, shown));
  }
  return content;
}

/**
 * Current state of a stream as landed: live keys of `src_*` with the raw record version each
 * row holds (joined on key and content hash), reduced to declared fields.
 */
export async function landedContent(
  wh: Warehouse,
  system: SystemName,
  stream: StreamDefinition,
): Promise<StreamContent> {
  const layout = landingLayout(system, stream);
  const on = layout.keys
    .map((k) => `r.${wh.quote(k.name)} = cast(s.${wh.quote(k.name)} as ${wh.sqlType("text")})`)
    .join(" and ");
  const rows = await wh.query<{ record: unknown }>(
    `select r._pslink_record as record from ${wh.qualified(layout.src)} s
     join ${wh.qualified(layout.raw)} r on ${on} and r._pslink_hash = s._pslink_hash
     where s._pslink_deleted_at is null`,
  );
  const content: StreamContent = new Map();
  for (const row of rows) {
    const record = (typeof row.record === "string" ? JSON.parse(row.record) : row.record) as Record<
      string,
      unknown
    >;
    content.set(keyOf(stream, record), contentOf(stream, record));
  }
  return content;
}

/** Keys whose content differs between two states (missing on either side included). */
export function differences(expected: StreamContent, actual: StreamContent): string[] {
  const out: string[] = [];
  for (const [key, value] of expected) {
    if (actual.get(key) !== value) out.push(`${key}: ${actual.has(key) ? "differs" : "missing"}`);
  }
  for (const key of actual.keys()) if (!expected.has(key)) out.push(`${key}: unexpected`);
  return out;
}

/** How the landed current state of a stream differs from the world's (`differences`). */
export async function landedDifferences(
  world: World,
  wh: Warehouse,
  system: SystemName,
  stream: StreamDefinition,
): Promise<string[]> {
  return differences(worldContent(world, system, stream), await landedContent(wh, system, stream));
}

/** Row counts of a stream's tables. */
export async function tableCounts(wh: Warehouse, system: SystemName, stream: StreamDefinition) {
  const layout = landingLayout(system, stream);
  const [src] = await wh.query<{ live: unknown; deleted: unknown }>(
    `select count(*) filter (where _pslink_deleted_at is null) as live, count(*) filter (where _pslink_deleted_at is not null) as deleted from ${wh.qualified(layout.src)}`,
  );
  const [raw] = await wh.query<{ n: unknown }>(
    `select count(*) as n from ${wh.qualified(layout.raw)}`,
  );
  return { live: Number(src?.live), deleted: Number(src?.deleted), raw: Number(raw?.n) };
}

/** What a run left in a stream's tables, independent of run ids and times. */
export async function landedFingerprint(
  wh: Warehouse,
  system: SystemName,
  stream: StreamDefinition,
) {
  const layout = landingLayout(system, stream);
  const text = wh.sqlType("text");
  const key = layout.keys.map((k) => `cast(${wh.quote(k.name)} as ${text})`).join(" || '|' || ");
  const raw = await wh.query<{ k: string; h: string }>(
    `select ${key} as k, _pslink_hash as h from ${wh.qualified(layout.raw)}`,
  );
  const src = await wh.query<{ k: string; h: string; d: boolean }>(
    `select ${key} as k, _pslink_hash as h, _pslink_deleted_at is not null as d from ${wh.qualified(layout.src)}`,
  );
  return {
    raw: raw.map((row) => `${row.k}#${row.h}`).sort(),
    src: src.map((row) => `${row.k}#${row.h}#${row.d}`).sort(),
  };
}
