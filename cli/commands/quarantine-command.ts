import type { Command } from "commander";
import { SOURCE_NAMES } from "../../core/config/index.js";
import { configError } from "../../core/errors.js";
import { closest } from "../../core/suggest.js";
import { STREAM_CATALOG } from "../../extractors/stream-catalog.js";
import { parseJson } from "../../warehouse/json-value.js";
import type { Warehouse } from "../../warehouse/warehouse.js";
import { withExistingWarehouse } from "../existing-warehouse.js";
import { splitList } from "../list-option.js";
import { configFrom, NO_SOURCES, print } from "../program.js";
import { textTable } from "../text-table.js";

interface QuarantineOptions {
  stream?: string[];
  resolved?: boolean;
  limit: string;
  json?: boolean;
}

interface QuarantineRow extends Record<string, unknown> {
  source: string;
  stream: string;
  record_key: string | null;
  reason: string;
  raw: unknown;
  run_id: string;
  quarantined_at: Date;
  resolved_at: Date | null;
  resolved_run_id: string | null;
}

interface DriftRow extends Record<string, unknown> {
  source: string;
  stream: string;
  field: string;
  change: string;
  expected_type: string | null;
  observed_type: string | null;
  last_seen_at: Date;
  /** JSON text. */
  sample: string | null;
}

/** One stream or a whole system, as `--stream` chose it. */
interface StreamFilter {
  source: string;
  stream?: string;
}

/** `pslink quarantine`: the records syncs set aside, with why, and the schema drift they met. */
export function registerQuarantineCommand(program: Command): void {
  program
    .command("quarantine")
    .description(
      "list the records syncs set aside (pslink.quarantine) with the reason, and the schema drift seen",
    )
    .option("-t, --stream <name...>", "only these streams (system.name, a name, or a whole system)")
    .option("--resolved", "also the records fixed at the source since (resolved)")
    .option("-n, --limit <n>", "how many records to list, newest first", "50")
    .option(
      "--json",
      "print one JSON object: the records, each with the record as sent (raw), their total, and the schema drift",
    )
    .action(async (options: QuarantineOptions, command: Command) => {
      const filters = splitList(options.stream ?? [], "--stream").flatMap(streamFilters);
      const limit = positiveLimit(options.limit);
      await withExistingWarehouse(configFrom(command, NO_SOURCES), async (warehouse) => {
        const where = whereClause(filters, options.resolved === true);
        const rows = await warehouse.query<QuarantineRow>(
          `select source, stream, record_key, reason, raw, run_id, quarantined_at, resolved_at,
                  resolved_run_id
           from pslink.quarantine ${where.sql}
           order by quarantined_at desc, source, stream, record_key limit ${limit}`,
          where.params,
        );
        const [count] = await warehouse.query<{ n: number | bigint }>(
          `select count(*) as n from pslink.quarantine ${where.sql}`,
          where.params,
        );
        const total = Number(count?.n ?? 0);
        const drift = await readDrift(warehouse, filters);
        if (options.json) {
          print(
            JSON.stringify({
              records: rows.map((row) => ({ ...row, raw: parseJson(row.raw) })),
              records_total: total,
              schema_drift: drift.map((d) => ({
                ...d,
                sample: d.sample === null ? null : JSON.parse(d.sample),
              })),
            }),
          );
          return;
        }
        printRecords(rows, total, options.resolved === true);
        printDrift(drift);
      });
    });
}

function printRecords(rows: readonly QuarantineRow[], total: number, resolved: boolean): void {
  if (rows.length === 0) {
    print(
      resolved
        ? "no quarantined records"
        : "no open quarantined records (--resolved also lists the ones fixed since)",
    );
    return;
  }
  print(
    textTable(rows, [
      { header: "stream", value: (r) => `${r.source}.${r.stream}` },
      { header: "key", value: (r) => r.record_key ?? "(none)" },
      { header: "quarantined (UTC)", value: (r) => r.quarantined_at.toISOString().slice(0, 19) },
      { header: "run", value: (r) => r.run_id.slice(0, 8) },
      ...(resolved
        ? [
            {
              header: "resolved (UTC)",
              value: (r: QuarantineRow) => r.resolved_at?.toISOString().slice(0, 19) ?? "open",
            },
          ]
        : []),
      { header: "reason", value: (r) => r.reason },
    ]),
  );
  print();
  const what = resolved ? "quarantined record(s)" : "open quarantined record(s)";
  print(
    rows.length < total
      ? `${total} ${what}, the newest ${rows.length} shown (--limit shows more, --json adds each record as sent)`
      : `${total} ${what}; --json adds each record as sent. A record fixed at the source lands with the next sync that reads it.`,
  );
}

/** The schema drift seen in the chosen streams (drift is never resolved: all of it). */
async function readDrift(
  warehouse: Warehouse,
  filters: readonly StreamFilter[],
): Promise<DriftRow[]> {
  const where = whereClause(filters, true);
  return warehouse.query<DriftRow>(
    // As JSON text on both dialects (PostgreSQL's driver would hand a jsonb string back bare).
    `select source, stream, field, change, expected_type, observed_type, last_seen_at,
            cast(sample as text) as sample
     from pslink.schema_drift ${where.sql} order by source, stream, field`,
    where.params,
  );
}

function printDrift(drift: readonly DriftRow[]): void {
  if (drift.length === 0) return;
  print();
  print("schema drift (fields the streams do not declare, or arriving with another type):");
  print(
    textTable(drift, [
      { header: "stream", value: (d) => `${d.source}.${d.stream}` },
      { header: "field", value: (d) => d.field },
      {
        header: "change",
        value: (d) =>
          d.change === "type_change"
            ? `type ${d.expected_type ?? "?"} → ${d.observed_type ?? "?"}`
            : `new (${d.observed_type ?? "?"})`,
      },
      { header: "last seen (UTC)", value: (d) => d.last_seen_at.toISOString().slice(0, 19) },
      { header: "sample", value: (d) => sampleText(d.sample) },
    ]),
  );
}

/** The stored sample (JSON text) as one short line. */
function sampleText(text: string | null): string {
  if (text === null) return "";
  return text.length <= 60 ? text : `${text.slice(0, 59)}…`;
}

/** `where` over source and stream (and open rows unless `resolved`), as numbered parameters. */
function whereClause(
  filters: readonly StreamFilter[],
  resolved: boolean,
): { sql: string; params: string[] } {
  const params: string[] = [];
  const conditions: string[] = resolved ? [] : ["resolved_at is null"];
  const place = (value: string) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (filters.length > 0) {
    const streams = filters.map((filter) =>
      filter.stream === undefined
        ? `source = ${place(filter.source)}`
        : `(source = ${place(filter.source)} and stream = ${place(filter.stream)})`,
    );
    conditions.push(`(${streams.join(" or ")})`);
  }
  return { sql: conditions.length > 0 ? `where ${conditions.join(" and ")}` : "", params };
}

/**
 * `kantata`, `kantata.time_entries` or `time_entries` (any case; a bare name every system's
 * stream of that name) as declared; else an error naming the nearest stream.
 */
function streamFilters(text: string): StreamFilter[] {
  const wanted = text.trim();
  const known = SOURCE_NAMES.flatMap((source) =>
    STREAM_CATALOG[source].map((stream) => ({ source, stream: stream.name })),
  );
  const system = SOURCE_NAMES.find((name) => name === wanted.toLowerCase());
  if (system) return [{ source: system }];
  const matches = known.filter(
    (k) =>
      k.stream.toLowerCase() === wanted.toLowerCase() ||
      `${k.source}.${k.stream}`.toLowerCase() === wanted.toLowerCase(),
  );
  if (matches.length > 0) return matches;
  const names = known.map((k) => `${k.source}.${k.stream}`);
  const near = closest(wanted, [...names, ...known.map((k) => k.stream)]);
  throw configError(`--stream ${wanted}: unknown stream${near ? `; did you mean ${near}?` : ""}`, {
    hint: `write a system (${SOURCE_NAMES.join(", ")}) or one of: ${names.join(", ")}`,
  });
}

function positiveLimit(text: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1)
    throw configError(`--limit must be a whole number of records, 1 or more; got "${text}"`);
  return Number(text);
}
