import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildModels } from "../../transform/index.js";
import { openWarehouse } from "../../warehouse/open-warehouse.js";
import type { Warehouse, WarehouseKind } from "../../warehouse/warehouse.js";
import {
  applySourceChanges,
  createSourceData,
  DBT_MINI_DIR,
  DBT_MINI_RELATIONS,
} from "./dbt-mini-data.js";
import { type FreshWarehouse, transformWarehouseCases } from "./transform-warehouses.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DBT = join(ROOT, ".venv", "bin", "dbt");
let scratch = "";

beforeAll(async () => {
  // Idempotent: creates .venv and installs the pinned dbt on a fresh machine, a no-op after.
  execFileSync("bash", [join(ROOT, "scripts", "ensure-python.sh")], {
    stdio: ["ignore", "ignore", "inherit"],
    timeout: 900_000,
  });
  scratch = await mkdtemp(join(tmpdir(), "pslink-dbt-"));
}, 900_000);

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** Runs real dbt-core (`dbt build`: models and tests) on the fixture against `where`. */
function runDbt(kind: WarehouseKind, where: FreshWarehouse): string {
  const env: Record<string, string> = {
    ...process.env,
    DBT_SEND_ANONYMOUS_USAGE_STATS: "false",
    DO_NOT_TRACK: "1",
  };
  if (kind === "duckdb") {
    env.DBT_MINI_DUCKDB_PATH = where.location;
  } else {
    const url = new URL(where.location);
    Object.assign(env, {
      DBT_MINI_PG_HOST: url.hostname,
      DBT_MINI_PG_PORT: url.port || "5432",
      DBT_MINI_PG_USER: decodeURIComponent(url.username),
      DBT_MINI_PG_PASSWORD: decodeURIComponent(url.password),
      DBT_MINI_PG_DATABASE: url.pathname.slice(1),
    });
  }
  const args = [
    "build",
    "--project-dir",
    DBT_MINI_DIR,
    "--profiles-dir",
    DBT_MINI_DIR,
    "--target",
    kind,
  ];
  args.push(
    "--target-path",
    join(scratch, `target-${kind}`),
    "--log-path",
    join(scratch, `logs-${kind}`),
  );
  try {
    return execFileSync(DBT, args, { env, encoding: "utf8", timeout: 300_000 });
  } catch (error) {
    const output = (error as { stdout?: string }).stdout ?? "";
    throw new Error(`dbt build failed:\n${output.slice(-4000)}`, { cause: error });
  }
}

/** Every row of a relation as text, ordered by all columns, with its column names. */
async function snapshot(
  warehouse: Warehouse,
  relation: string,
): Promise<{ columns: string[]; rows: string[] }> {
  const [schema = "", table = ""] = relation.split(".");
  const columns = (
    await warehouse.query<{ column_name: string }>(
      `select column_name from information_schema.columns
        where table_schema = $1 and table_name = $2 order by ordinal_position`,
      [schema, table],
    )
  ).map((row) => row.column_name);
  const order = columns.map((_column, index) => index + 1).join(", ");
  const rows = await warehouse.query(
    `select * from ${warehouse.qualified({ schema, table })} order by ${order}`,
  );
  const text = (value: unknown) =>
    JSON.stringify(value, (_key, inner: unknown) =>
      typeof inner === "bigint" ? inner.toString() : inner,
    );
  return {
    columns,
    rows: rows.map((row) => columns.map((column) => text(row[column])).join(" | ")),
  };
}

describe.each(transformWarehouseCases())(
  "the embedded runner matches real dbt on $kind",
  ({ kind, fresh }) => {
    it("builds the same tables, row for row, on a first and an incremental run", async () => {
      const embedded = await fresh();
      let reference = await fresh();
      await createSourceData(embedded.warehouse);
      await createSourceData(reference.warehouse);

      const reopen = async (changes?: (warehouse: Warehouse) => Promise<void>) => {
        if (changes) await changes(reference.warehouse);
        await reference.close();
        const output = runDbt(kind, reference);
        // the same outcome the embedded runner reports: every test passes but the warn-severity one
        // (PASS counts the three project hooks too)
        expect(output).toMatch(/Done\. PASS=28 WARN=1 ERROR=0 SKIP=0/);
        const warehouse = await openWarehouse(reference.target.config, reference.target.baseDir);
        let closed: Promise<void> | undefined;
        reference = { ...reference, warehouse, close: () => (closed ??= warehouse.close()) };
      };

      await reopen();
      const first = await buildModels({ warehouse: embedded.warehouse, projectDir: DBT_MINI_DIR });
      expect(first.ok).toBe(true);
      for (const relation of DBT_MINI_RELATIONS) {
        const ours = await snapshot(embedded.warehouse, relation);
        expect(ours.rows.length, relation).toBeGreaterThan(0);
        expect(ours, relation).toEqual(await snapshot(reference.warehouse, relation));
      }

      await applySourceChanges(embedded.warehouse);
      await reopen(applySourceChanges);
      const second = await buildModels({ warehouse: embedded.warehouse, projectDir: DBT_MINI_DIR });
      expect(second.ok).toBe(true);
      for (const relation of DBT_MINI_RELATIONS) {
        expect(await snapshot(embedded.warehouse, relation), relation).toEqual(
          await snapshot(reference.warehouse, relation),
        );
      }
      // Both ran the project's on-run-start and on-run-end hooks once per build.
      const events = `${kind === "duckdb" ? "main" : "public"}.run_events`;
      const ran = await snapshot(embedded.warehouse, events);
      expect(ran.rows).toEqual(['"end"', '"end"', '"start"', '"start"']);
      expect(ran).toEqual(await snapshot(reference.warehouse, events));
      await reference.close();
    }, 600_000);
  },
);
