import type { Knex } from "knex";
import { POSTGRES_PARSE_TIMESTAMP } from "../json-sql.js";
import type { Migration } from "./migration-sql.js";

/**
 * The `pslink` bookkeeping schema, in the order it is applied. Never edit a migration that has
 * shipped: add the next one. Timestamps are timestamptz (UTC); JSON is jsonb (json on DuckDB).
 */
export const bookkeepingMigrations: readonly Migration[] = [
  {
    name: "0001_stream_state_and_runs",
    schema: (s, k) =>
      s
        .createTable("stream_state", (t) => {
          t.text("source").notNullable();
          t.text("stream").notNullable();
          t.jsonb("cursor");
          t.jsonb("state");
          t.text("run_id");
          updatedAt(t, k);
          t.primary(["source", "stream"]);
        })
        .createTable("runs", (t) => {
          t.text("run_id").primary();
          t.text("job").notNullable();
          t.text("trigger").notNullable();
          t.text("status")
            .notNullable()
            .checkIn(["running", "succeeded", "failed", "skipped", "cancelled"]);
          t.timestamp("started_at", { useTz: true }).notNullable().defaultTo(k.fn.now());
          t.timestamp("finished_at", { useTz: true });
          t.jsonb("summary");
          t.text("error");
          t.text("host");
          t.integer("pid");
          t.index(["job", "started_at"]);
        })
        .createTable("run_streams", (t) => {
          t.text("run_id").notNullable();
          t.text("source").notNullable();
          t.text("stream").notNullable();
          t.text("status")
            .notNullable()
            .checkIn(["running", "succeeded", "failed", "skipped", "cancelled"]);
          for (const counter of ["new_rows", "changed_rows", "deleted_rows", "quarantined_rows"]) {
            t.bigInteger(counter).notNullable().defaultTo(0);
          }
          t.integer("pages").notNullable().defaultTo(0);
          t.integer("requests").notNullable().defaultTo(0);
          t.bigInteger("duration_ms");
          t.jsonb("cursor_before");
          t.jsonb("cursor_after");
          t.text("error");
          t.primary(["run_id", "source", "stream"]);
        }),
  },
  {
    name: "0002_quarantine_and_schema_drift",
    schema: (s, k) =>
      s
        .createTable("quarantine", (t) => {
          // Supplied by the writer (a UUID): an appender cannot evaluate a generated default.
          t.text("quarantine_id").primary();
          t.text("run_id").notNullable();
          t.text("source").notNullable();
          t.text("stream").notNullable();
          t.text("record_key");
          t.text("reason").notNullable();
          t.jsonb("raw");
          t.timestamp("quarantined_at", { useTz: true }).notNullable().defaultTo(k.fn.now());
          t.timestamp("resolved_at", { useTz: true });
          t.text("resolved_run_id");
          t.index(["source", "stream", "record_key"]);
        })
        .createTable("schema_drift", (t) => {
          t.text("source").notNullable();
          t.text("stream").notNullable();
          t.text("field").notNullable();
          t.text("change").notNullable().checkIn(["new_field", "type_change"]);
          t.text("expected_type");
          t.text("observed_type");
          t.text("first_seen_run").notNullable();
          t.text("last_seen_run").notNullable();
          t.timestamp("first_seen_at", { useTz: true }).notNullable().defaultTo(k.fn.now());
          t.timestamp("last_seen_at", { useTz: true }).notNullable().defaultTo(k.fn.now());
          t.jsonb("sample");
          t.primary(["source", "stream", "field", "change"]);
        }),
  },
  {
    name: "0003_write_plans_and_items",
    schema: (s, k) =>
      s
        .createTable("write_plans", (t) => {
          t.text("plan_id").primary();
          t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(k.fn.now());
          t.text("created_by").notNullable();
          t.text("status").notNullable();
          t.jsonb("targets");
          t.jsonb("summary");
          t.boolean("held").notNullable().defaultTo(false);
          t.text("held_reason");
          t.text("confirmed_by");
          t.timestamp("confirmed_at", { useTz: true });
        })
        .createTable("write_items", (t) => {
          t.text("item_key").primary();
          t.text("plan_id").notNullable();
          t.text("target_system").notNullable();
          t.text("object").notNullable();
          t.text("target_id");
          t.text("operation").notNullable();
          t.text("rule_id");
          t.text("exception_id");
          t.jsonb("before");
          t.jsonb("after");
          t.jsonb("evidence");
          t.text("status").notNullable();
          t.text("decided_by");
          t.timestamp("decided_at", { useTz: true });
          t.text("decision_reason");
          t.text("external_id");
          t.integer("attempts").notNullable().defaultTo(0);
          t.timestamp("applied_at", { useTz: true });
          t.jsonb("response");
          t.text("error");
          updatedAt(t, k);
          // Governance: the proposal's identity and domain (steward checks), the target
          // snapshot (stale check), and why an item ended as it did.
          t.text("proposal_key");
          t.text("domain");
          t.text("source_system");
          t.jsonb("snapshot");
          t.text("status_reason");
          t.text("result_id");
          t.index(["plan_id"]);
        }),
  },
  {
    name: "0004_audit_log",
    schema: (s, k) =>
      s.raw("create sequence pslink.audit_log_audit_id_seq").createTable("audit_log", (t) => {
        t.bigInteger("audit_id")
          .primary()
          .defaultTo(k.raw("nextval('pslink.audit_log_audit_id_seq')"));
        t.timestamp("occurred_at", { useTz: true }).notNullable().defaultTo(k.fn.now());
        t.text("actor").notNullable();
        t.text("action").notNullable();
        t.text("plan_id");
        t.text("item_key");
        t.text("system");
        t.jsonb("before");
        t.jsonb("after");
        t.jsonb("response");
        t.jsonb("details");
        t.index(["plan_id"]);
      }),
    // DuckDB has no triggers: there the append-only rule is kept by pslink's code alone.
    postgresOnly: [
      `create function pslink.audit_log_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'pslink.audit_log is append-only: % is not allowed', tg_op
    using errcode = 'restrict_violation';
end
$$`,
      `create trigger audit_log_no_update_delete before update or delete on pslink.audit_log
  for each row execute function pslink.audit_log_append_only()`,
      `create trigger audit_log_no_truncate before truncate on pslink.audit_log
  for each statement execute function pslink.audit_log_append_only()`,
    ],
  },
  {
    name: "0005_parse_timestamp",
    schema: (s) => s,
    // DuckDB has try_cast and try_strptime; PostgreSQL needs a function to read a bad date as null.
    postgresOnly: [POSTGRES_PARSE_TIMESTAMP],
  },
  {
    name: "0006_run_stream_mode",
    // How each stream read its source (full or incremental); null in rows recorded before.
    schema: (s) =>
      s.alterTable("run_streams", (t) => {
        t.text("mode");
      }),
  },
  {
    name: "0007_parse_timestamp_grammar",
    // 0005's reader took hour 24, leap seconds and "0:07 am", which DuckDB and JavaScript refuse,
    // and rounded fractions past microseconds up: it now reads the grammar they read.
    schema: (s) => s,
    postgresOnly: [POSTGRES_PARSE_TIMESTAMP],
  },
];

function updatedAt(t: Knex.CreateTableBuilder, k: Knex): void {
  t.timestamp("updated_at", { useTz: true }).notNullable().defaultTo(k.fn.now());
}
