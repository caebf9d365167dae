import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SandboxSync, startSandboxSync } from "../extract/support/sandbox-sync.js";
import { runCli } from "../support/run-cli.js";
import { warehouseCases } from "../support/warehouses.js";

/** The CLI in this process; its output as `out` and `err`. */
async function pslink(args: readonly string[], env: Record<string, string>) {
  const { code, stdout, stderr } = await runCli(args, env);
  return { code, out: stdout, err: stderr };
}

describe.each(warehouseCases())("pslink quarantine and status on $kind", (wc) => {
  let fixture: SandboxSync;
  beforeAll(async () => {
    fixture = await startSandboxSync(41);
  }, 120_000);
  afterAll(async () => fixture?.close());

  it("lists the records a sync set aside with the reason, and the drift; --json adds the record", async () => {
    const target = await wc.target();
    const env: Record<string, string> = {};
    const config = await fixture.writeConfigFor(target, env);
    const customers = fixture.sandbox.world.collection("netsuite", "customer");
    const [typed, valued] = [...customers.scanByKey()] as Record<string, unknown>[];
    if (!typed || !valued) throw new Error("the sandbox has fewer than two customers");
    customers.upsert({ ...typed, isinactive: false }, Date.now());
    customers.upsert({ ...valued, isinactive: "X" }, Date.now());
    await sleep(3_100); // past the sync's safety lag

    const synced = await pslink(["-c", config, "sync", "--source", "netsuite"], env);
    expect(synced.code, synced.err.slice(-2000)).toBe(0);
    // Only pslink's own lines: no driver notice (pg's deprecation warnings) on every command.
    expect(synced.err).not.toContain("Warning:");
    expect(synced.out).toContain(
      "2 record(s) quarantined; schema drift in netsuite.customer: `pslink quarantine` lists them with the reason",
    );

    const runId = /^last sync +succeeded .* run (\S+)$/m.exec(
      (await pslink(["-c", config, "status"], env)).out,
    )?.[1] as string;
    const shown = await pslink(["-c", config, "runs", "show", runId], env);
    expect(shown.out).toContain(
      "2 record(s) quarantined: pslink quarantine --stream netsuite.customer lists them",
    );

    // `pslink status` sums it up: the sync, each source's streams, the quarantine, what is not built.
    const status = await pslink(["-c", config, "status"], env);
    expect(status.code, status.err).toBe(0);
    expect(status.out).toMatch(
      /^last sync +succeeded \d{4}-\d\d-\d\d \d\d:\d\d UTC \(just now\), run \S+$/m,
    );
    expect(status.out).toMatch(
      /^ +netsuite +8 stream\(s\) ok, data through \d{4}-\d\d-\d\d \d\d:\d\d UTC \(just now\)$/m,
    );
    for (const never of ["salesforce", "kantata", "workday"])
      expect(status.out).toMatch(new RegExp(`^(sources)? +${never} +never synced$`, "m"));
    // A source of which only some streams ever ran is not called ok: the rest are named.
    const partial = await pslink(["-c", config, "sync", "--stream", "salesforce.Account"], env);
    expect(partial.code, partial.err.slice(-2000)).toBe(0);
    const partialStatus = await pslink(["-c", config, "status"], env);
    expect(partialStatus.out).toMatch(
      /^(sources)? +salesforce +1 of 2 stream\(s\) ok, 1 never synced, data through .*$/m,
    );
    expect(partialStatus.out).toMatch(
      /^ +never synced: Opportunity \(pslink sync --source salesforce\)$/m,
    );
    expect(status.out).toMatch(
      /^quarantine +2 open record\(s\): netsuite\.customer 2 \(pslink quarantine\)$/m,
    );
    expect(status.out).toMatch(/^exceptions +not built yet: pslink build$/m);
    const identity = await pslink(["-c", config, "identity"], env);
    expect(identity.code).toBe(2);
    expect(identity.err).toContain(
      "canonical.identity_map is not in the warehouse yet\n  fix: run `pslink sync` and then `pslink build` first",
    );
    expect(status.out).toMatch(/^write-backs +nothing waiting$/m);

    const listed = await pslink(["-c", config, "quarantine"], env);
    expect(listed.code).toBe(0);
    const lines = listed.out.split("\n");
    expect(lines[0]).toMatch(/^stream +key +quarantined \(UTC\) +run +reason$/);
    expect(listed.out).toMatch(
      new RegExp(
        `^netsuite\\.customer +${typed.id} .*isinactive: must be one of T, F; got boolean false$`,
        "m",
      ),
    );
    expect(listed.out).toMatch(
      new RegExp(
        `^netsuite\\.customer +${valued.id} .*isinactive: must be one of T, F; got 'X'$`,
        "m",
      ),
    );
    expect(listed.out).toContain("2 open quarantined record(s)");
    expect(listed.out).toMatch(/^netsuite\.customer +isinactive +type string → boolean .* false$/m);

    // --json: one object with the records (each as sent), their total, and the drift the text shows.
    const json = await pslink(["-c", config, "quarantine", "--stream", "customer", "--json"], env);
    expect(json.code, json.err).toBe(0);
    const asObject = JSON.parse(json.out) as {
      records: { record_key: string; raw: Record<string, unknown> }[];
      records_total: number;
      schema_drift: Record<string, unknown>[];
    };
    expect(asObject.records.map((row) => row.record_key).sort()).toEqual(
      [String(typed.id), String(valued.id)].sort(),
    );
    expect(
      asObject.records.find((row) => row.record_key === String(valued.id))?.raw.isinactive,
    ).toBe("X");
    expect(asObject.records_total).toBe(2);
    expect(asObject.schema_drift).toEqual([
      expect.objectContaining({
        source: "netsuite",
        stream: "customer",
        field: "isinactive",
        change: "type_change",
        expected_type: "string",
        observed_type: "boolean",
        sample: false,
      }),
    ]);
    const none = await pslink(["-c", config, "quarantine", "--stream", "kantata", "--json"], env);
    expect(JSON.parse(none.out)).toEqual({ records: [], records_total: 0, schema_drift: [] });

    // Other streams' filters find none; a newest-first limit says how many there are.
    const kantata = await pslink(["-c", config, "quarantine", "--stream", "kantata"], env);
    expect(kantata.out).toContain("no open quarantined records");
    const one = await pslink(["-c", config, "quarantine", "-n", "1"], env);
    expect(one.out).toContain("2 open quarantined record(s), the newest 1 shown");

    const typo = await pslink(["-c", config, "quarantine", "--stream", "netsuite.custmer"], env);
    expect(typo.code).toBe(2);
    expect(typo.err).toContain(
      "--stream netsuite.custmer: unknown stream; did you mean netsuite.customer?",
    );

    // Fixed at the source: the next sync lands it and the row is resolved, listed with --resolved.
    customers.upsert({ ...valued, isinactive: "F" }, Date.now());
    await sleep(3_100);
    expect((await pslink(["-c", config, "sync", "--source", "netsuite"], env)).code).toBe(0);
    const open = await pslink(["-c", config, "quarantine"], env);
    expect(open.out).toContain("1 open quarantined record(s)");
    expect(open.out).not.toMatch(new RegExp(`^netsuite\\.customer +${valued.id} `, "m"));
    const all = await pslink(["-c", config, "quarantine", "--resolved"], env);
    expect(all.out).toMatch(
      new RegExp(
        `^netsuite\\.customer +${valued.id} .* \\d{4}-\\d\\d-\\d\\dT[\\d:]+ +isinactive`,
        "m",
      ),
    );
    expect(all.out).toContain("2 quarantined record(s)");

    // A stream whose last run failed shows under its source in `pslink status`, with why.
    fixture.sandbox.faults.add({ system: "kantata", kind: "http_500", times: 20 });
    const failed = await pslink(["-c", config, "sync", "--stream", "kantata.workspaces"], env);
    fixture.sandbox.faults.clear();
    expect(failed.code).toBe(1);
    const after = await pslink(["-c", config, "status"], env);
    expect(after.out).toMatch(/^ +kantata +0 of 10 stream\(s\) ok, 1 not ok, 9 never synced$/m);
    expect(after.out).toMatch(
      /^ +kantata\.workspaces failed just now: kantata GET .* still failing after \d+ attempts/m,
    );
    expect(after.out).toMatch(/^last sync +failed /m);
    // runs show prints the whole error under its table; an 8-character prefix finds the run.
    const failedRun = /^last sync +failed .* run (\S+)$/m.exec(after.out)?.[1] as string;
    const shownFailed = await pslink(["-c", config, "runs", "show", failedRun.slice(0, 8)], env);
    expect(shownFailed.code, shownFailed.err).toBe(0);
    expect(shownFailed.out).toContain(`run ${failedRun}: sync (cli) failed`);
    expect(shownFailed.out).toMatch(
      /^kantata\.workspaces: kantata GET \S+ still failing after \d+ attempts.*server error \(500\)/m,
    );
    const asJson = await pslink(["-c", config, "runs", "show", failedRun, "--json"], env);
    const parsed = JSON.parse(asJson.out) as { run_id: string; streams: { error: string }[] };
    expect(parsed.run_id).toBe(failedRun);
    expect(parsed.streams[0]?.error).toMatch(/still failing after \d+ attempts/);
  }, 120_000);
});
