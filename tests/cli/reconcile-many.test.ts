import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { stringify } from "yaml";
import { migrate } from "../../warehouse/migrate.js";
import { runCli } from "../support/run-cli.js";
import { warehouseCases } from "../support/warehouses.js";

/** More open exceptions than PostgreSQL takes parameters in one statement (65,535). */
const EXCEPTIONS = 70_000;

describe.each(warehouseCases())("pslink reconcile with $kind holding 70,000 exceptions", (wc) => {
  it("lists every exception with the write-backs planned for them, past any parameter limit", async () => {
    const target = await wc.target();
    const warehouse = await wc.open(target);
    await migrate(warehouse);
    await warehouse.execute("create schema if not exists reconciliation");
    await warehouse.execute(
      `create table reconciliation.exceptions (exception_id text, rule_id text, severity text,
         domain text, canonical_id text, systems text, details text, amount_impact decimal(18, 2),
         currency text, hours_impact decimal(18, 2), first_detected_at timestamp,
         last_seen_at timestamp, resolved_at timestamp, status text)`,
    );
    await warehouse.execute(
      `insert into reconciliation.exceptions
       select md5(cast(i as text)), 'R01', 'high', 'project execution, approved time and expense',
         'time_entry:' || lpad(cast(i as text), 6, '0'), '{"kantata": "' || cast(i as text) || '"}',
         '{"hours": 1.5}', null, null, 1.5, timestamp '2026-01-05 00:00:00',
         timestamp '2026-01-06 00:00:00', null, 'open'
       from generate_series(1, ${EXCEPTIONS}) as g(i)`,
    );
    // The last exception listed has a write-back planned: its id comes after the 65,535th.
    const last = (
      await warehouse.query<{ id: string }>(
        `select exception_id as id from reconciliation.exceptions where canonical_id = 'time_entry:0${EXCEPTIONS}'`,
      )
    )[0]?.id;
    await warehouse.execute(
      `insert into pslink.write_items (item_key, plan_id, target_system, object, operation,
         rule_id, exception_id, status, updated_at)
       values ('item-last', 'plan-1', 'netsuite', 'timeBill', 'create', 'R01', $1, 'proposed', now())`,
      [last],
    );
    await warehouse.close();

    const env: Record<string, string> = { SF_SECRET: "unused" };
    const config: Record<string, unknown> = {
      version: 1,
      sources: {
        salesforce: {
          base_url: "https://acme.my.salesforce.com",
          auth: {
            kind: "oauth2_client_credentials",
            client_id: "x",
            client_secret: "${SF_SECRET}",
          },
        },
      },
    };
    if (target.config.kind === "duckdb") {
      config.warehouse = { kind: "duckdb", path: join(target.baseDir, target.config.path) };
    } else {
      config.warehouse = { kind: "postgres", url: "${PSLINK_TEST_WAREHOUSE_URL}" };
      env.PSLINK_TEST_WAREHOUSE_URL = target.config.url?.reveal() ?? "";
    }
    const folder = await mkdtemp(join(tmpdir(), "pslink-reconcile-"));
    onTestFinished(() => rm(folder, { recursive: true, force: true }));
    const path = join(folder, "pslink.yml");
    await writeFile(path, stringify(config));

    const listed = await runCli(["-c", path, "reconcile", "--list", "--rule", "R01"], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout.match(/^ {6}exception: /gm)?.length).toBe(EXCEPTIONS);
    expect(listed.stdout).toContain(`  time_entry:0${EXCEPTIONS}  high  1.50 h  open `);
    expect(listed.stdout).toContain(
      `      exception: ${last}\n      write-back: netsuite timeBill create, item item-last proposed in plan plan-1\n`,
    );
    expect(listed.stdout.match(/write-back: /g)?.length).toBe(1);

    const summary = await runCli(["-c", path, "reconcile"], env);
    expect(summary.code, summary.stderr).toBe(0);
    expect(summary.stdout).toMatch(/^R01 +approved_time_not_posted +high +70000 +1 /m);
  });
});
