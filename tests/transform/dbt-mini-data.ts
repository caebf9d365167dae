import { fileURLToPath } from "node:url";
import type { SqlExecutor } from "../../warehouse/warehouse.js";

/** The fixture dbt project (a real one: dbt-core builds it too). */
export const DBT_MINI_DIR = fileURLToPath(new URL("../fixtures/dbt-mini/", import.meta.url));

/** Every relation the fixture builds (the ephemeral model is inlined, so it has none). */
export const DBT_MINI_RELATIONS = [
  "reference.customer_segments",
  "staging.stg_psa__projects",
  "staging.stg_psa__time_entries",
  "intermediate.int_project_hours",
  "marts.fct_time_entries",
  "marts.fct_daily_hours",
  "marts.project_summary",
  "marts.customer_hours",
] as const;

/** The source tables the fixture reads (`src_psa`), in SQL both warehouses accept. */
export async function createSourceData(db: SqlExecutor): Promise<void> {
  await db.execute("create schema if not exists src_psa");
  await db.execute(`create table src_psa.projects (
    project_id integer, project_code text, project_name text, customer_name text,
    status text, budget_cents bigint, updated_at timestamp)`);
  await db.execute(`insert into src_psa.projects values
    (1, 'P-001', 'Ledger migration', 'Acme Holdings', 'Active', 12000000, '2024-01-05 10:00:00'),
    (2, 'P-002', 'Payroll audit', 'Birch & Co', 'planned', 4500050, '2024-01-06 11:30:00'),
    (3, 'P-003', 'CRM rollout', 'Cobalt Group', 'closed', 8800000, '2024-01-07 09:15:00'),
    (4, 'P-004', 'Data platform', 'Acme Holdings', 'active', 25000000, '2024-01-08 16:45:00')`);
  await db.execute(`create table src_psa.time_entries (
    time_entry_id integer, project_id integer, worker_email text, work_date date,
    minutes integer, is_billable boolean, notes text, updated_at timestamp)`);
  await db.execute(`insert into src_psa.time_entries values
    (101, 1, 'Ana.Silva@example.com', '2024-02-01', 480, true, 'design', '2024-02-01 18:00:00'),
    (102, 1, 'ana.silva@example.com', '2024-02-02', 450, true, 'build', '2024-02-02 18:00:00'),
    (103, 1, 'ben.ode@example.com', '2024-02-02', 95, false, null, '2024-02-02 19:00:00'),
    (104, 2, 'cara.lim@example.com', '2024-02-01', 360, true, 'fieldwork', '2024-02-01 17:00:00'),
    (105, 2, 'cara.lim@example.com', '2024-02-03', 125, true, 'report', '2024-02-03 17:30:00'),
    (106, 3, 'ben.ode@example.com', '2024-02-03', 240, false, 'handover', '2024-02-03 12:00:00'),
    (107, 4, 'dev.rao@example.com', '2024-02-04', 500, true, 'ingest', '2024-02-04 20:00:00'),
    (108, 4, 'Dev.Rao@example.com', '2024-02-04', 40, true, null, '2024-02-04 21:00:00')`);
}

/**
 * A later sync: entries 102 and 108 corrected (more minutes), a new entry 109; all with a
 * later `updated_at`, so the incremental models pick exactly these up.
 */
export async function applySourceChanges(db: SqlExecutor): Promise<void> {
  await db.execute(`update src_psa.time_entries
    set minutes = 510, notes = 'build (corrected)', updated_at = '2024-02-10 09:00:00' where time_entry_id = 102`);
  await db.execute(`update src_psa.time_entries
    set minutes = 70, updated_at = '2024-02-10 09:05:00' where time_entry_id = 108`);
  await db.execute(`insert into src_psa.time_entries values
    (109, 3, 'ben.ode@example.com', '2024-02-09', 60, true, 'support', '2024-02-10 10:00:00')`);
}

/** Bad data on purpose: an entry on a project that does not exist and an unknown status. */
export async function breakSourceData(db: SqlExecutor): Promise<void> {
  await db.execute(`insert into src_psa.time_entries values
    (201, 99, 'x@example.com', '2024-02-06', 30, true, 'orphan', '2024-02-06 10:00:00'),
    (202, 98, 'y@example.com', '2024-02-06', 45, true, 'orphan', '2024-02-06 11:00:00')`);
  await db.execute(`update src_psa.projects set status = 'on hold' where project_id = 3`);
}
