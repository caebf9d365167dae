import type { SqlExecutor, Warehouse } from "../warehouse/warehouse.js";
import type { LandingLayout } from "./landing-layout.js";

/** A difference between what the source sent and what the stream declares. */
export interface DriftField {
  readonly field: string;
  /** `new_field`: kept in raw JSON meanwhile; `type_change`: the record was quarantined. */
  readonly change: "new_field" | "type_change";
  readonly expectedType: string | null;
  readonly observedType: string;
  /** JSON of one value seen (truncated). */
  readonly sample: string;
}

/** Records drift in `pslink.schema_drift`: first sighting inserted, later ones bump last_seen. */
export async function recordDrift(
  tx: SqlExecutor,
  wh: Warehouse,
  layout: LandingLayout,
  runId: string,
  fields: readonly DriftField[],
  now: string,
): Promise<void> {
  const ts = wh.sqlType("timestamp");
  for (const drift of fields) {
    await tx.execute(
      `insert into pslink.schema_drift (source, stream, field, change, expected_type, observed_type,
         first_seen_run, last_seen_run, first_seen_at, last_seen_at, sample)
       values ($1, $2, $3, $4, $5, $6, $7, $7, cast($8 as ${ts}), cast($8 as ${ts}), cast($9 as ${wh.sqlType("json")}))
       on conflict (source, stream, field, change) do update set
         last_seen_run = excluded.last_seen_run, last_seen_at = excluded.last_seen_at,
         observed_type = excluded.observed_type`,
      [
        layout.system,
        layout.stream,
        drift.field,
        drift.change,
        drift.expectedType,
        drift.observedType,
        runId,
        now,
        drift.sample,
      ],
    );
  }
}
