import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { migrate } from "../../warehouse/migrate.js";
import { openWarehouse } from "../../warehouse/open-warehouse.js";
import { type SandboxSync, startSandboxSync } from "../extract/support/sandbox-sync.js";
import { runCli } from "../support/run-cli.js";
import { createTestDatabase, postgresConfig, warehouseCases } from "../support/warehouses.js";
import { killHolder, spawnHolder } from "../warehouse/fixtures/spawn-holder.js";

const pslink = runCli;

const SALESFORCE = {
  base_url: "https://acme.my.salesforce.com",
  auth: { kind: "oauth2_client_credentials", client_id: "x", client_secret: "${SF_SECRET}" },
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pslink-cli-"));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** Writes `doc` as a pslink.yml in a folder of its own; returns its path. */
async function configFile(doc: Record<string, unknown>, name = "pslink.yml"): Promise<string> {
  const folder = await mkdtemp(join(dir, "c-"));
  const path = join(folder, name);
  await writeFile(path, stringify({ version: 1, ...doc }));
  return path;
}

describe("pslink config check and sync refuse what would sync nothing or the wrong thing", () => {
  const env = { SF_SECRET: "sf-secret-value" };

  it("refuses a config with no sources, at config check and at sync", async () => {
    const path = await configFile({ sources: {} });
    const check = await pslink(["-c", path, "config", "check"]);
    expect(check.code).toBe(2);
    expect(check.stderr).toContain("no sources configured");
    const sync = await pslink(["-c", path, "sync", "--stream", "account"]);
    expect(sync.code).toBe(2);
    expect(sync.stderr).toContain("no sources configured");
    expect(sync.stderr).not.toMatch(/streams: *$/m);
  });

  it("refuses list options given only empty values (an unset shell variable) instead of taking everything", async () => {
    const path = await configFile({ sources: { salesforce: SALESFORCE } });
    for (const args of [
      ["sync", "--source", ""],
      ["sync", "--stream", " , "],
      ["build", "--select", ""],
      ["test", "--select", " "],
      ["reconcile", "--rule", ""],
    ]) {
      const result = await pslink(["-c", path, ...args], env);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toContain(`${args[1]} was given no value`);
    }
  });

  it("says a base_url's host is unknown to DNS, or that nothing answers there, and what to fix", async () => {
    const kantata = (base_url: string) => ({
      base_url,
      auth: { kind: "bearer", token: "${SF_SECRET}" },
      http: { max_attempts: 2, backoff_base: "10ms", backoff_max: "20ms", timeout: "5s" },
      streams: { workspace_groups: {} },
    });
    const cases = [
      {
        url: "http://no-such-host.invalid/api/v1",
        hint: "no host is named no-such-host.invalid (DNS does not know it): check sources.kantata.base_url, then rerun",
      },
      {
        url: "http://127.0.0.1:1/api/v1",
        hint: "nothing answered at http://127.0.0.1:1: check sources.kantata.base_url and the network, then rerun",
      },
    ];
    for (const { url, hint } of cases) {
      const path = await configFile({ sources: { kantata: kantata(url) } });
      const synced = await pslink(
        ["-c", path, "sync", "--stream", "kantata.workspace_groups"],
        env,
      );
      expect(synced.code).toBe(1);
      expect(synced.stdout + synced.stderr).toContain(hint);
    }
  });

  it("refuses a sandbox as-of date that is not a day of the calendar", async () => {
    const result = await pslink(["sandbox", "start", "--as-of", "2026-02-30"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("2026-02-30 is not a day of the calendar");
  });

  it("refuses a sandbox NetSuite time zone that is not an IANA name", async () => {
    const result = await pslink(["sandbox", "start", "--netsuite-time-zone", "PST8"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'unknown time zone "PST8": give an IANA name such as America/Chicago',
    );
  });

  it("rejects unknown and mis-cased stream names under sources.<system>.streams", async () => {
    const path = await configFile({
      sources: { salesforce: { ...SALESFORCE, streams: { Opportunty: {}, account: {} } } },
    });
    const check = await pslink(["-c", path, "config", "check"], env);
    expect(check.code).toBe(2);
    expect(check.stderr).toContain(
      "unknown stream 'Opportunty' under sources.salesforce.streams; did you mean Opportunity?",
    );
    expect(check.stderr).toContain(
      "unknown stream 'account' under sources.salesforce.streams; did you mean Account?",
    );
    expect(check.stderr).toMatch(/salesforce streams: .*Account, .*Opportunity/);
    expect((await pslink(["-c", path, "sync"], env)).stderr).toContain(
      "unknown stream 'Opportunty'",
    );
  });

  it("rejects a start_date in the future", async () => {
    const future = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const path = await configFile({
      sources: { salesforce: { ...SALESFORCE, start_date: future } },
    });
    const check = await pslink(["-c", path, "config", "check"], env);
    expect(check.code).toBe(2);
    expect(check.stderr).toContain(`sources.salesforce.start_date: ${future} is in the future`);
  });

  it("shows what a valid config sets up, and says when no steward can approve anything", async () => {
    const path = await configFile({ sources: { salesforce: SALESFORCE } });
    const check = await pslink(["-c", path, "config", "check"], env);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toContain(`${path}: ok`);
    expect(check.stdout).toContain(
      "stewards:  none: no write-back can be approved until governance.stewards names someone",
    );
    // DESIGN's default schedules.
    expect(check.stdout).toContain('hourly: "5 * * * *" UTC, sync → build');
  });

  it("says a config path is a folder, and names the file expected", async () => {
    const result = await pslink(["-c", dir, "sync"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`config path ${dir} is a directory`);
    expect(result.stderr).toContain(join(dir, "pslink.yml"));
    expect(result.stderr).not.toContain("EISDIR");
  });

  it("refuses an unknown PSLINK_LOG_LEVEL, listing the valid levels", async () => {
    const path = await configFile({ sources: { salesforce: SALESFORCE } });
    const result = await pslink(["-c", path, "config", "check"], {
      ...env,
      PSLINK_LOG_LEVEL: "verbose",
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('PSLINK_LOG_LEVEL="verbose" is not a log level');
    expect(result.stderr).toContain("trace, debug, info, warn, error, fatal, silent");
  });

  it("checks PSLINK_LOG_LEVEL when a command runs, not for --help or --version", async () => {
    for (const flag of ["--help", "--version"]) {
      const result = await pslink([flag], { PSLINK_LOG_LEVEL: "verbose" });
      expect(result.code, flag).toBe(0);
      expect(result.stderr).not.toContain("PSLINK_LOG_LEVEL");
    }
  });

  it("says to quote text YAML read as a number", async () => {
    const path = await configFile({
      sources: {
        salesforce: { ...SALESFORCE, api_version: 60.0 },
        netsuite: {
          base_url: "https://1234567.suitetalk.api.netsuite.com",
          account_id: 1234567,
          auth: {
            kind: "tba",
            account_id: "1234567",
            consumer_key: "k",
            consumer_secret: "${SF_SECRET}",
            token_id: "t",
            token_secret: "${SF_SECRET}",
          },
        },
      },
    });
    const result = await pslink(["-c", path, "config", "check"], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'sources.salesforce.api_version: expected text, got number 60: YAML reads it unquoted as a number; write it in quotes as you mean it (api_version: "…")',
    );
    expect(result.stderr).toContain(
      'sources.netsuite.account_id: expected text, got number 1234567: YAML reads it unquoted as a number; write it in quotes as you mean it (account_id: "…")',
    );
  });

  it("names an unconfigured system in --stream, and suggests the nearest stream", async () => {
    const path = await configFile({ sources: { salesforce: SALESFORCE } });
    const result = await pslink(
      ["-c", path, "sync", "--stream", "workday.workers", "Opportunty", "workers"],
      env,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`workday.workers: workday is not configured in ${path}`);
    expect(result.stderr).toContain("Opportunty: unknown stream; did you mean Opportunity?");
    expect(result.stderr).toContain(
      `workers: a workday stream, and workday is not configured in ${path}`,
    );
    // A stream of a configured system that --source leaves out says so.
    const both = await configFile({
      sources: {
        salesforce: SALESFORCE,
        kantata: {
          base_url: "https://api.mavenlink.com/api/v1",
          auth: { kind: "bearer", token: "${SF_SECRET}" },
        },
      },
    });
    const excluded = await pslink(
      ["-c", both, "sync", "--source", "salesforce", "--stream", "time_entries"],
      env,
    );
    expect(excluded.code).toBe(2);
    expect(excluded.stderr).toContain(
      "time_entries: a kantata stream, and kantata is left out by --source",
    );
  });

  it("suggests under a system's prefix only that system's near streams", async () => {
    const path = await configFile({ sources: { salesforce: SALESFORCE } });
    const result = await pslink(
      ["-c", path, "sync", "--stream", "salesforce.acount", "salesforce.nosuch"],
      env,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "salesforce.acount: unknown stream; did you mean salesforce.Account?",
    );
    expect(result.stderr).toMatch(/salesforce\.nosuch: unknown stream\n/);
  });
});

describe("commands that read the warehouse, before the first sync", () => {
  it("refuse with exit 4 and say to run pslink sync, without creating the DuckDB file", async () => {
    const path = await configFile({
      sources: { salesforce: SALESFORCE },
      schedules: { jobs: { rebuild: { cron: "0 3 * * *", steps: ["build"] } } },
    });
    const file = join(path, "..", "warehouse.duckdb");
    for (const command of [
      ["build"],
      ["test"],
      ["status"],
      ["runs"],
      ["runs", "show", "abc"],
      ["reconcile"],
      ["identity"],
      ["quarantine"],
      ["plan"],
      ["plans"],
      ["plan", "show", "plan-x"],
      ["plan", "verify"],
      ["approve", "--plan", "plan-x", "--as", "harry", "--reason", "ok"],
      ["apply"],
      ["adjustments"],
      ["adjustments", "done", "--all-queued", "--as", "fiona", "--reason", "done by hand"],
      ["audit"],
      // A schedule that never syncs needs a warehouse already, as its build does.
      ["schedule", "--once", "rebuild"],
    ]) {
      const result = await pslink(["-c", path, ...command], { SF_SECRET: "s" });
      const what = command.join(" ");
      expect(result.code, what).toBe(4);
      expect(result.stdout, what).toBe("");
      expect(result.stderr, what).toContain(
        `pslink: no warehouse yet: ${file} does not exist\n  fix: run \`pslink sync\` first`,
      );
      expect(existsSync(file), what).toBe(false);
    }
  });

  it("answer --json with one JSON error object on stderr and nothing on stdout", async () => {
    const path = await configFile({ sources: { salesforce: SALESFORCE } });
    const file = join(path, "..", "warehouse.duckdb");
    for (const command of [
      ["status", "--json"],
      ["runs", "--json"],
      ["runs", "show", "abc", "--json"],
      ["reconcile", "--json"],
      ["identity", "--json"],
      ["quarantine", "--json"],
      ["adjustments", "--json"],
      ["audit", "--json"],
    ]) {
      const result = await pslink(["-c", path, ...command], { SF_SECRET: "s" });
      const what = command.join(" ");
      expect(result.code, what).toBe(4);
      expect(result.stdout, what).toBe("");
      expect(JSON.parse(result.stderr), what).toEqual({
        error: {
          kind: "config",
          message: `no warehouse yet: ${file} does not exist`,
          fix: expect.stringMatching(/^run `pslink sync` first: it creates the warehouse/),
          exit_code: 4,
        },
      });
      expect(existsSync(file), what).toBe(false);
    }
    // Any failure of a --json command reads as JSON: here a config problem (exit 2).
    const bad = await configFile({ sources: { salesforce: SALESFORCE }, project: 5 });
    const refused = await pslink(["-c", bad, "status", "--json"], { SF_SECRET: "s" });
    expect(refused.code).toBe(2);
    const { error } = JSON.parse(refused.stderr) as { error: Record<string, unknown> };
    expect(error).toMatchObject({ kind: "config", exit_code: 2 });
    expect(error.message).toContain("project: expected text, got number 5");
    // And a usage error, which commander finds before any command runs.
    for (const [command, message] of [
      [["audit", "--json", "--system", "netsuit"], "argument 'netsuit' is invalid"],
      [["adjustments", "--json", "--bogus"], "unknown option '--bogus'"],
    ] as const) {
      const usage = await pslink(["-c", path, ...command], { SF_SECRET: "s" });
      expect(usage.code).toBe(2);
      expect(usage.stdout).toBe("");
      expect(JSON.parse(usage.stderr)).toEqual({
        error: {
          kind: "config",
          message: expect.stringContaining(message),
          fix: `see \`pslink ${command[0]} --help\``,
          exit_code: 2,
        },
      });
    }
  });
});

describe("pslink runs show", () => {
  it("says a run id's start needs 4 characters rather than that there is no such run", async () => {
    const path = await configFile({
      sources: { salesforce: SALESFORCE },
      warehouse: { kind: "duckdb", path: "w.duckdb" },
    });
    const warehouse = await openWarehouse({ kind: "duckdb", path: "w.duckdb" }, dirname(path));
    await migrate(warehouse);
    await warehouse.close();
    const short = await pslink(["-c", path, "runs", "show", "2c"], { SF_SECRET: "s" });
    expect(short.code).toBe(2);
    expect(short.stderr).toContain(
      "fix: a run id's start needs at least 4 characters (2c has 2): give more of it, as `pslink runs` lists it",
    );
    const long = await pslink(["-c", path, "runs", "show", "2c4f"], { SF_SECRET: "s" });
    expect(long.stderr).toContain("fix: copy a run id from `pslink runs`");
  });
});

describe("commands that read a PostgreSQL warehouse, before the first sync", () => {
  it("refuse with exit 4 naming the database, not its password, and create no pslink schema", async () => {
    const { url, drop } = await createTestDatabase();
    try {
      const path = await configFile({
        sources: { salesforce: SALESFORCE },
        warehouse: { kind: "postgres", url: "${PSLINK_TEST_WAREHOUSE_URL}" },
      });
      const env = { SF_SECRET: "s", PSLINK_TEST_WAREHOUSE_URL: url };
      const { password, username, hostname, port, pathname } = new URL(url);
      const label = `${username}@${hostname}:${port || "5432"}/${pathname.slice(1)}`;
      for (const command of [
        ["status"],
        ["runs"],
        ["reconcile"],
        ["quarantine"],
        ["plan"],
        ["plans"],
        ["apply"],
        ["adjustments"],
        ["audit"],
      ]) {
        const result = await pslink(["-c", path, ...command], env);
        const what = command.join(" ");
        expect(result.code, what).toBe(4);
        expect(result.stderr, what).toContain(
          `pslink: no warehouse yet: PostgreSQL ${label} has no pslink schema\n  fix: run \`pslink sync\` first`,
        );
        expect(result.stderr, what).not.toContain(decodeURIComponent(password));
      }
      const wh = await openWarehouse(postgresConfig(url), process.cwd());
      try {
        expect(
          await wh.query("select 1 from information_schema.schemata where schema_name = 'pslink'"),
        ).toEqual([]);
      } finally {
        await wh.close();
      }
    } finally {
      await drop();
    }
  });
});

describe("pslink runs", () => {
  it("refuses a limit that is not a positive whole number", async () => {
    const path = await configFile({ sources: { salesforce: SALESFORCE } });
    for (const limit of ["0", "abc", "2x", "-5"]) {
      const result = await pslink(["-c", path, "runs", "-n", limit], { SF_SECRET: "s" });
      expect(result.code, limit).toBe(2);
      expect(result.stderr, limit).toContain("--limit must be a whole number of runs, 1 or more");
    }
  });
});

const [duckdb, postgres] = warehouseCases();

describe("pslink schedule --once", () => {
  it("refuses --list with --once as a usage error instead of running the job", async () => {
    const path = await configFile({
      sources: { salesforce: SALESFORCE },
      warehouse: { kind: "duckdb", path: "never.duckdb" },
      schedules: { jobs: { hourly: { cron: "5 * * * *", steps: ["sync"] } } },
    });
    for (const args of [
      ["--list", "--once", "hourly"],
      ["--once", "hourly", "--list"],
    ]) {
      const result = await pslink(["-c", path, "schedule", ...args], { SF_SECRET: "s" });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /option '--(list|once <name>)' cannot be used with option '--(once <name>|list)'/,
      );
      expect(result.stdout).toBe("");
    }
    // Nothing ran: the sync would have created the warehouse.
    expect(existsSync(join(path, "..", "never.duckdb"))).toBe(false);
  });

  it("refuses a step's select that chooses nothing, at config check and when the scheduler starts", async () => {
    const path = await configFile({
      sources: { salesforce: SALESFORCE },
      warehouse: { kind: "duckdb", path: "never.duckdb" },
      schedules: {
        jobs: {
          hourly: {
            cron: "5 * * * *",
            steps: ["sync", { build: { select: "canonical nosuchmodel" } }],
          },
          nightly: { cron: "0 3 * * *", steps: [{ test: { select: "source:kantat" } }] },
        },
      },
    });
    for (const args of [
      ["config", "check"],
      ["schedule", "--list"],
      ["schedule", "--once", "hourly"],
    ]) {
      const result = await pslink(["-c", path, ...args], { SF_SECRET: "s" });
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toContain(
        "schedules.jobs.hourly.steps[1] (build[canonical nosuchmodel]): --select nosuchmodel matches no model of the project",
      );
      expect(result.stderr).toContain(
        "schedules.jobs.nightly.steps[0] (test[source:kantat]): --select source:kantat matches no model or test of the project; did you mean source:kantata?",
      );
    }
    expect(existsSync(join(path, "..", "never.duckdb"))).toBe(false);
  });

  it("exits 3 when another process holds the warehouse's run lock, as a held DuckDB file does", async () => {
    const target = await postgres!.target();
    const holder = await spawnHolder(target, "lock", "run");
    try {
      const path = await configFile({
        sources: { salesforce: SALESFORCE },
        warehouse: { kind: "postgres", url: "${PSLINK_TEST_WAREHOUSE_URL}" },
        schedules: { jobs: { check: { cron: "0 3 * * *", steps: ["plan"] } } },
      });
      const once = await pslink(["-c", path, "schedule", "--once", "check"], {
        SF_SECRET: "sf-secret-value",
        PSLINK_TEST_WAREHOUSE_URL:
          target.config.kind === "postgres" ? (target.config.url?.reveal() ?? "") : "",
      });
      expect(once.code, once.stderr).toBe(3);
      expect(once.stdout).toMatch(/^check: skipped \(run lock "run" is held by pid \d+/m);
    } finally {
      await killHolder(holder);
    }
  });
});

describe("pslink sync --source/--stream and pslink runs against the sandbox", () => {
  let fixture: SandboxSync;
  let path: string;
  const env: Record<string, string> = {};
  beforeAll(async () => {
    fixture = await startSandboxSync(31);
    path = await fixture.writeConfigFor(await duckdb!.target(), env);
    // Without Workday: --stream workday.workers must say so rather than "unknown stream".
    const doc = parse(await readFile(path, "utf8")) as { sources: Record<string, unknown> };
    delete doc.sources.workday;
    await writeFile(path, stringify(doc));
  });
  afterAll(async () => fixture?.close());

  it("matches --source and --stream in any case, a stream named twice once", async () => {
    const result = await pslink(
      ["-c", path, "sync", "--source", "Salesforce", "--stream", "Account", "salesforce.Account"],
      env,
    );
    expect(result.code, result.stderr).toBe(0);
    const rows = result.stdout.split("\n").filter((line) => /^\w+\.\w+ /.test(line));
    expect(rows.map((line) => line.split(/ +/)[0])).toEqual(["salesforce.Account"]);
    // Separated by commas, as the other list options take them.
    const listed = await pslink(
      ["-c", path, "sync", "--source", "salesforce,netsuite", "--stream", "Account,netsuite.job"],
      env,
    );
    expect(listed.code, listed.stderr).toBe(0);
    expect(
      listed.stdout
        .split("\n")
        .filter((line) => /^\w+\.\w+ /.test(line))
        .map((line) => line.split(/ +/)[0]),
    ).toEqual(["salesforce.Account", "netsuite.job"]);

    const missing = await pslink(["-c", path, "sync", "--stream", "workday.workers"], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("workday is not configured in");
  });

  it("needs only the secrets of the sources a command calls", async () => {
    // The same config beside a .env without Kantata's token.
    const dotenv = await readFile(join(dirname(path), ".env"), "utf8");
    const token = /^(\w*KANTATA\w*)=/m.exec(dotenv)?.[1] as string;
    expect(token).toBeDefined();
    const folder = await mkdtemp(join(dir, "scope-"));
    await writeFile(join(folder, ".env"), dotenv.replace(new RegExp(`^${token}=.*$`, "m"), ""));
    const scoped = join(folder, "pslink.yml");
    await writeFile(scoped, await readFile(path, "utf8"));
    const without = env;
    const synced = await pslink(["-c", scoped, "sync", "--source", "salesforce"], without);
    expect(synced.code, synced.stderr).toBe(0);
    // The warning is a log line (pino writes to the process's stderr itself): read from the CLI
    // run as a process.
    const child = spawn(process.execPath, ["bin/pslink.js", "-c", scoped, "runs"], {
      cwd: join(import.meta.dirname, "../.."),
      env: { ...process.env, ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    expect(await new Promise<number | null>((done) => child.once("exit", done))).toBe(0);
    expect(stderr).toContain(
      `sources.kantata is left out of this command, which does not call it: ${token} has no value`,
    );
    for (const command of [
      ["runs"],
      ["status"],
      ["quarantine"],
      ["sync", "--stream", "salesforce.Account"],
    ]) {
      const result = await pslink(["-c", scoped, ...command], without);
      expect(result.code, `${command.join(" ")}: ${result.stderr}`).toBe(0);
    }
    // A command that calls Kantata, or may, still refuses, naming the variable.
    for (const command of [
      ["sync"],
      ["sync", "--source", "kantata"],
      ["sync", "--stream", "time_entries"],
      ["config", "check"],
      ["apply"],
    ]) {
      const result = await pslink(["-c", scoped, ...command], without);
      expect(result.code, command.join(" ")).toBe(2);
      expect(result.stderr).toContain(
        `sources.kantata.auth.token: environment variable ${token} is not set`,
      );
    }
  });

  it("plans nothing before the models are built, and says to build them", async () => {
    const planned = await pslink(["-c", path, "plan"], env);
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.stdout).toContain(
      "nothing to write: schema proposals holds no proposals yet (the proposal models write them: run `pslink build` first)",
    );
  });

  it("shows a scheduled run's steps, each with what it reported", async () => {
    // The same sources (and .env), a DuckDB file of its own, one schedule: a sync and a plan.
    const doc = parse(await readFile(path, "utf8")) as Record<string, unknown>;
    doc.warehouse = { kind: "duckdb", path: "scheduled.duckdb" };
    doc.schedules = { jobs: { check: { cron: "0 3 * * *", steps: ["sync", "plan"] } } };
    const scheduled = join(path, "..", "scheduled.yml");
    await writeFile(scheduled, stringify(doc));
    const once = await pslink(["-c", scheduled, "schedule", "--once", "check"], env);
    expect(once.code, once.stdout).toBe(0);
    const runId = /^check: succeeded run (\S+)$/m.exec(once.stdout)?.[1] as string;
    const shown = await pslink(["-c", scheduled, "runs", "show", runId], env);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/^step +seconds +result$/m);
    expect(shown.stdout).toMatch(
      new RegExp(`^sync +[\\d.]+ +streams \\d+; .*\\(pslink runs show ${runId}:sync\\)$`, "m"),
    );
    // Nothing to plan (the models are not built): no plan id, no items.
    expect(shown.stdout).toMatch(/^plan +[\d.]+ +plan_id -; status -; items -$/m);
  });

  it("lists the jobs recorded for an unknown --job, and shows one run's streams", async () => {
    const none = await pslink(["-c", path, "runs", "--job", "nosuch"], env);
    expect(none.stdout).toContain('no runs of job "nosuch"; jobs recorded: sync');

    const listed = await pslink(["-c", path, "runs", "-n", "1", "--json"], env);
    const run = JSON.parse(listed.stdout.trim()) as { run_id: string };
    const shown = await pslink(["-c", path, "runs", "show", run.run_id], env);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(`run ${run.run_id}: sync (cli) succeeded`);
    expect(shown.stdout).toMatch(
      /stream +mode +new +changed +deleted +quarantined +pages +requests +seconds +cursor +status +error/,
    );
    expect(shown.stdout).toMatch(
      /salesforce\.Account +(full|incremental) +\d+ +0 +0 +0 +\d+ +\d+ +[\d.]+ +\d{4}-\d\d-\d\dT\S+ +succeeded/,
    );

    const unknown = await pslink(["-c", path, "runs", "show", "no-such-run"], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("no run no-such-run in pslink.runs");
  });
});

describe("bin/pslink.js", () => {
  it("finishes quietly when the reader of its output goes away (pslink … | head)", async () => {
    const child = spawn(process.execPath, ["bin/pslink.js", "sync", "--help"], {
      cwd: join(import.meta.dirname, "../.."),
      stdio: ["ignore", "pipe", "pipe"],
    });
    // Closed before the CLI has loaded: its first write to stdout meets a closed pipe (EPIPE).
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((done) => child.once("exit", done));
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });
});

describe("pslink --help", () => {
  it("lists the commands in the order of the work: config, sync, build … then the tools", async () => {
    const help = await pslink(["--help"]);
    expect(help.code).toBe(0);
    const commands = [...help.stdout.matchAll(/^ {2}([a-z]+)\b/gm)].map((match) => match[1]);
    expect(commands).toEqual([
      "config",
      "sync",
      "build",
      "test",
      "reconcile",
      "identity",
      "plan",
      "plans",
      "approve",
      "reject",
      "apply",
      "adjustments",
      "audit",
      "status",
      "runs",
      "quarantine",
      "schedule",
      "sandbox",
      "demo",
      "bench",
      "help",
    ]);
  });
});

describe.each(warehouseCases())("pslink config check --connect on $kind", (wc) => {
  let fixture: SandboxSync;
  beforeAll(async () => {
    fixture = await startSandboxSync(37);
  });
  afterAll(async () => fixture?.close());

  it("opens the warehouse and reads one page from each source, naming what failed and how to fix it", async () => {
    const target = await wc.target();
    const env: Record<string, string> = {};
    const path = await fixture.writeConfigFor(target, env);
    // One Kantata client group changed a few minutes ago: the probe reads the last hour.
    const groups = fixture.sandbox.world.collection("kantata", "workspace_groups");
    const [group] = [...groups.scanByKey()] as Record<string, unknown>[];
    groups.upsert({ ...group }, Date.now() - 300_000);

    const checked = await pslink(["-c", path, "config", "check", "--connect"], env);
    expect(checked.code, checked.stdout + checked.stderr).toBe(0);
    expect(checked.stdout).toMatch(
      wc.kind === "duckdb"
        ? /^ {4}warehouse +ok +duckdb \S+ \(not created yet: the first sync creates it\)$/m
        : /^ {4}warehouse +ok +postgres \S+@\S+:\d+\/\S+ \(PostgreSQL \d+/m,
    );
    expect(checked.stdout).toMatch(
      /^ {4}kantata +ok +kantata\.workspace_groups, \d+ request\(s\) in [\d.]+s: 1 record\(s\) modified in the last hour$/m,
    );
    for (const system of ["salesforce", "netsuite", "workday"])
      expect(checked.stdout).toMatch(new RegExp(`^ {4}${system} +ok +${system}\\.\\w+, `, "m"));
    if (target.config.kind === "duckdb")
      expect(existsSync(join(target.baseDir, target.config.path))).toBe(false);
    else {
      expect(checked.stdout).toMatch(/^ {2}warehouse: postgres \S+@\S+:\d+\/\S+$/m);
      expect(checked.stdout).not.toContain(new URL(target.config.url?.reveal() ?? "").password);
    }

    const wrong = "not-the-kantata-token-5f2e";
    const refused = await pslink(["-c", path, "config", "check", "--connect"], {
      ...env,
      PSLINK_SANDBOX_KANTATA_TOKEN: wrong,
    });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/^ {4}kantata +FAILED .* returned 401/m);
    expect(refused.stdout).toContain("fix: check sources.kantata.auth in pslink.yml");
    expect(refused.stdout).toMatch(/^ {4}salesforce +ok /m);
    expect(refused.stdout + refused.stderr).not.toContain(wrong);
  });
});
