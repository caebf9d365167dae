import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig, type WarehouseConfig } from "../../core/config/index.js";
import { describeError, PslinkError } from "../../core/errors.js";
import { Secret } from "../../core/secret.js";
import { migrate } from "../../warehouse/migrate.js";
import { openWarehouse } from "../../warehouse/open-warehouse.js";
import { createTestDatabase, postgresConfig, warehouseCases } from "../support/warehouses.js";
import { killHolder, spawnHolder } from "./fixtures/spawn-holder.js";

const [duckdb, postgres] = warehouseCases() as [
  ReturnType<typeof warehouseCases>[number],
  ReturnType<typeof warehouseCases>[number],
];
const children: Awaited<ReturnType<typeof spawnHolder>>[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map(killHolder));
});

async function openError(config: WarehouseConfig, baseDir = "/tmp"): Promise<PslinkError> {
  const failure = await openWarehouse(config, baseDir).catch((e: unknown) => e);
  expect(failure).toBeInstanceOf(PslinkError);
  return failure as PslinkError;
}

describe("openWarehouse: DuckDB", () => {
  it("reads a relative path from baseDir and creates its folder", async () => {
    const { baseDir } = await duckdb.target();
    const warehouse = await duckdb.open({
      baseDir,
      config: { kind: "duckdb", path: "data/nested/x.duckdb" },
    });
    await warehouse.execute("create table t (a integer)");
    expect(existsSync(join(baseDir, "data/nested/x.duckdb"))).toBe(true);
  });

  it("shares one database between two warehouses of the same process", async () => {
    const target = await duckdb.target();
    const first = await duckdb.open(target);
    const second = await duckdb.open(target);
    await first.execute("create table shared (a integer); insert into shared values (1)");
    expect(await second.query("select a from shared")).toEqual([{ a: 1 }]);
    await first.close();
    expect(await second.query("select a from shared")).toEqual([{ a: 1 }]);
  });

  it("names the process holding the file and says what to do, then opens once it is gone", async () => {
    const target = await duckdb.target();
    const child = await spawnHolder(target, "open");
    children.push(child);
    const error = await openError(target.config, target.baseDir);
    expect(error.kind).toBe("transient");
    expect(error.details).toMatchObject({ lock: true, pid: child.pid });
    expect(error.message).toContain(`pid ${child.pid}`);
    expect(error.message).toContain(join(target.baseDir, "warehouse.duckdb"));
    expect(error.hint).toMatch(/stop that process/);
    expect(error.hint).toMatch(/PostgreSQL/);
    // The holder's command line, so the user knows what it is.
    expect(error.message).toMatch(/\(pid \d+: vite-node\.mjs \S*hold-warehouse\.ts /);
    await killHolder(child);

    // A scheduler holds the file for as long as it runs: the hint says to stop it, not to wait.
    const scheduler = await spawnHolder(target, "open", "sync", ["pslink.js", "schedule"]);
    children.push(scheduler);
    const held = await openError(target.config, target.baseDir);
    expect(held.hint).toMatch(
      /^that is `pslink schedule`, which holds the file while it runs: stop it/,
    );
    await killHolder(scheduler);
    const warehouse = await duckdb.open(target);
    expect(await warehouse.query("select 42 as answer")).toEqual([{ answer: 42 }]);
  });

  it("says when warehouse.path is a folder, or a file that is not DuckDB's, and leaves it be", async () => {
    const { baseDir } = await duckdb.target();
    mkdirSync(join(baseDir, "exports.duckdb"));
    const folder = await openError({ kind: "duckdb", path: "exports.duckdb" }, baseDir);
    expect(folder.kind).toBe("config");
    expect(folder.message).toBe(
      `warehouse.path ${join(baseDir, "exports.duckdb")} is a folder, not a DuckDB file`,
    );
    expect(folder.hint).toBe(
      `set warehouse.path in pslink.yml to a file, e.g. ${join(baseDir, "exports.duckdb", "warehouse.duckdb")} (pslink creates it)`,
    );

    const notes = join(baseDir, "notes.duckdb");
    writeFileSync(notes, "margin review 2026-11\n");
    const text = await openError({ kind: "duckdb", path: "notes.duckdb" }, baseDir);
    expect(text.kind).toBe("config");
    expect(text.message).toBe(`warehouse.path ${notes} is a file but not a DuckDB database`);
    expect(text.hint).toMatch(/never writes over a file it cannot read$/);
    expect(readFileSync(notes, "utf8")).toBe("margin review 2026-11\n");
  });
});

describe("openWarehouse: PostgreSQL", () => {
  const server = () =>
    new URL(
      process.env.PSLINK_TEST_PG_URL ??
        "postgres://pslink:pslink_test_pw_7c1e@127.0.0.1:5432/pslink_test",
    );

  it("reports a wrong password as a config error that never contains the password", async () => {
    const url = server();
    const password = "Wr0ng-But-Secret-Pa55";
    url.password = password;
    const error = await openError(postgresConfig(url.toString()));
    expect(error.kind).toBe("config");
    expect(error.message).toMatch(/refused user ".+": password authentication failed/);
    expect(error.hint).toMatch(/password/);
    expect(describeError(error)).not.toContain(password);
    expect(JSON.stringify(error.details)).not.toContain(password);
  });

  it("reports a missing database with the command that creates it", async () => {
    const url = server();
    url.pathname = "/wh_no_such_db";
    const error = await openError(postgresConfig(url.toString()));
    expect(error.kind).toBe("config");
    expect(error.message).toContain('database "wh_no_such_db" does not exist');
    expect(error.hint).toContain("createdb wh_no_such_db");
  });

  it("reports an unreachable server as transient, naming host and port only", async () => {
    const url = server();
    url.port = "1";
    const error = await openError(postgresConfig(url.toString()));
    expect(error.kind).toBe("transient");
    expect(error.message).toContain(`cannot reach PostgreSQL at ${url.hostname}:1`);
    expect(describeError(error)).not.toContain(decodeURIComponent(url.password));
  });

  it("asks for the missing settings when neither url nor host is given", async () => {
    const error = await openError({ kind: "postgres", port: 5432, ssl: "disable", pool_size: 1 });
    expect(error.kind).toBe("config");
    expect(error.message).toContain("host, database, user");
  });

  it("says what to grant when pslink's user may not create its schemas", async () => {
    const { url, drop } = await createTestDatabase();
    try {
      const database = new URL(url).pathname.slice(1);
      // The test's user owns the database; an owner may give up its own right to create in it.
      const admin = await openWarehouse(postgresConfig(url), "/tmp");
      await admin.execute(`revoke create on database "${database}" from current_user, public`);
      const failure = await migrate(admin).catch((error: unknown) => error);
      await admin.close();
      expect(failure).toBeInstanceOf(PslinkError);
      const error = failure as PslinkError;
      expect(error.message).toBe(`PostgreSQL: permission denied for database ${database}`);
      expect(error.hint).toContain(`GRANT CREATE ON DATABASE ${database} TO <user>`);
      expect(error.hint).toContain("<user> being warehouse.user or the user in warehouse.url");
    } finally {
      await drop();
    }
  });

  it("connects from a url written with its password as a reference, percent-encoding it", async () => {
    const { config: target } = await postgres.target();
    const real = new URL(target.kind === "postgres" ? (target.url?.reveal() ?? "") : "");
    const written = `postgres://${real.username}:\${PG_PASSWORD}@${real.host}${real.pathname}`;
    const yaml = `version: 1\nwarehouse: { kind: postgres, url: '${written}' }\n`;
    const read = (password: string) =>
      parseConfig(yaml, { file: "pslink.yml", baseDir: "/tmp", env: { PG_PASSWORD: password } })
        .warehouse;
    // A password with @, / and : reaches the server as written: refused for being wrong, not
    // read as a host or a port.
    const wrong = "Wr0ng@pass/word:5432";
    const error = await openError(read(wrong));
    expect(error.message).toMatch(/password authentication failed/);
    expect(describeError(error)).not.toContain(wrong);
    const warehouse = await postgres.open({
      baseDir: "/tmp",
      config: read(decodeURIComponent(real.password)),
    });
    expect(await warehouse.query("select current_database() as db")).toEqual([
      { db: real.pathname.slice(1) },
    ]);
  });

  // Last: its password Secret ("pslink" on the test server) masks that word in later messages.
  it("connects from host, port, database, user and password", async () => {
    const { config } = await postgres.target();
    const url = new URL(config.kind === "postgres" ? (config.url?.reveal() ?? "") : "");
    const warehouse = await postgres.open({
      baseDir: "/tmp",
      config: {
        kind: "postgres",
        host: url.hostname,
        port: Number(url.port),
        database: url.pathname.slice(1),
        user: url.username,
        password: new Secret(decodeURIComponent(url.password)),
        ssl: "disable",
        pool_size: 2,
      },
    });
    expect(await warehouse.query("select current_database() as db")).toEqual([
      { db: url.pathname.slice(1) },
    ]);
  });
});
