import { readFile, writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { duckdbHint } from "../../warehouse/duckdb-errors.js";
import { runCli } from "../support/run-cli.js";
import { warehouseCases } from "../support/warehouses.js";
import { type SandboxSync, startSandboxSync } from "./support/sandbox-sync.js";

const [duckdb] = warehouseCases();

describe("a DuckDB memory_limit too small for the sync", () => {
  let fixture: SandboxSync;
  beforeAll(async () => {
    fixture = await startSandboxSync(41);
  });
  afterAll(async () => fixture?.close());

  it("fails the stream with pslink's fix instead of DuckDB's SET advice, and a run with room lands it", async () => {
    const target = await duckdb!.target();
    const path = await fixture.writeConfigFor(target, {});
    const config = parse(await readFile(path, "utf8")) as { warehouse: Record<string, unknown> };
    config.warehouse.memory_limit = "4MB";
    await writeFile(path, stringify(config));

    const starved = await runCli(["-c", path, "sync", "--stream", "kantata.users"]);
    expect(starved.code).toBe(1);
    expect(starved.stdout).toMatch(/^ {2}kantata\.users: DuckDB: Out of Memory Error: /m);
    expect(starved.stdout).toContain(
      "      fix: raise warehouse.memory_limit in pslink.yml or remove it (DuckDB may then use up to 80% of RAM): a sync needs room for a batch of each stream it runs at once, a build for its largest model (docs/warehouse.md, \"DuckDB's memory\"); what the failed transaction wrote was rolled back (a sync's batch is read again by the next run)",
    );
    expect(starved.stdout + starved.stderr).not.toContain("SET memory_limit");

    delete config.warehouse.memory_limit;
    await writeFile(path, stringify(config));
    const roomy = await runCli(["-c", path, "sync", "--stream", "kantata.users"]);
    expect(roomy.code, roomy.stdout + roomy.stderr).toBe(0);
    expect(roomy.stdout).toMatch(
      new RegExp(
        `^kantata\\.users +full +${fixture.sandbox.world.collection("kantata", "users").size} `,
        "m",
      ),
    );
  });

  it("after an out-of-memory error that DuckDB found fatal, says the run can simply be repeated", () => {
    // The text DuckDB 1.5.6 gave in a large sync at memory_limit 128MB (a rollback that ran out of memory).
    const invalidated = `FATAL Error: Failed: database has been invalidated because of a previous fatal error. The database must be restarted prior to being used again.
Original error: "Failed to rollback transaction. Cannot continue operation.
Original Error: Out of Memory Error: failed to pin block of size 256.0 KiB (132.4 MiB/122.0 MiB used)`;
    expect(duckdbHint(invalidated)).toMatch(
      /^DuckDB stopped using the warehouse after a fatal error in this run: it ran out of memory; raise warehouse\.memory_limit .*\. Nothing committed is lost: run again, and each stream goes on from its last committed batch$/,
    );
    expect(
      duckdbHint(
        "FATAL Error: Failed to create checkpoint because of error: failed to allocate data of size 384 bytes (122.4 MiB/122.0 MiB used)",
      ),
    ).toMatch(/^raise warehouse\.memory_limit/);
    expect(
      duckdbHint(
        'FATAL Error: Failed: database has been invalidated because of a previous fatal error. The database must be restarted prior to being used again.\nOriginal error: "Failed to create checkpoint because of error: Could not write file "/data/pslink/warehouse.duckdb": No space left on device"',
      ),
    ).toBe(
      "DuckDB stopped using the warehouse after a fatal error in this run: the disk is full; free space on the disk that holds /data/pslink (or move warehouse.path to a larger one): DuckDB writes its file, WAL and temporary files there. Nothing committed is lost: run again, and each stream goes on from its last committed batch",
    );
    expect(
      duckdbHint(
        "FATAL Error: Failed: database has been invalidated because of a previous fatal error.",
      ),
    ).toBe(
      "DuckDB stopped using the warehouse after a fatal error in this run. Nothing committed is lost: run again, and each stream goes on from its last committed batch",
    );
    expect(duckdbHint("Binder Error: column x does not exist")).toBeUndefined();
  });
});
