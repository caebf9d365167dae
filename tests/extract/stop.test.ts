import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PslinkConfig } from "../../core/config/index.js";
import { syncSources } from "../../extractors/sync-sources.js";
import { warehouseCases } from "../support/warehouses.js";
import { freshTargets } from "./support/fresh-target.js";
import { type SandboxSync, startSandboxSync } from "./support/sandbox-sync.js";

let fixture: SandboxSync;
beforeAll(async () => {
  fixture = await startSandboxSync(23);
});
afterAll(() => fixture.close());
const freshTarget = freshTargets();

/** The sandbox config with Kantata's HTTP settings changed. */
function withKantataHttp(
  config: PslinkConfig,
  http: Partial<NonNullable<PslinkConfig["sources"]["kantata"]>["http"]>,
): PslinkConfig {
  const kantata = config.sources.kantata;
  if (!kantata) throw new Error("the sandbox config has no kantata source");
  return {
    ...config,
    sources: { ...config.sources, kantata: { ...kantata, http: { ...kantata.http, ...http } } },
  };
}

describe.each(warehouseCases())("a stopped sync on $kind", (warehouse) => {
  it.each([
    {
      waiting: "for an answer that does not come",
      fault: { kind: "timeout", times: 3 },
      http: { timeout: 120_000 },
    },
    {
      waiting: "between retries",
      fault: { kind: "http_503", times: 1_000 },
      http: { backoff_base: 120_000, backoff_max: 120_000 },
    },
  ] as const)("ends the stream at once while it waits $waiting", async ({ fault, http }) => {
    const target = await freshTarget(warehouse);
    fixture.sandbox.faults.add({ system: "kantata", path: "users", ...fault });
    const stop = new AbortController();
    const summary = await syncSources(withKantataHttp(fixture.configFor(target), http), {
      streams: ["kantata.users"],
      signal: stop.signal,
      onEvent: (event) => {
        // The first request is out (and answered with the fault, or not at all) by then.
        if (event.type === "stream-started")
          setTimeout(() => stop.abort(new Error("test stop")), 500);
      },
    });
    fixture.sandbox.faults.clear();
    const [result] = summary.streams;
    expect(summary.status).toBe("cancelled");
    expect(result?.status).toBe("cancelled");
    expect(result?.error?.message).toBe("stopped before the stream finished (test stop)");
    expect(result?.error?.hint).toMatch(/^run the sync again: the batches committed so far stay/);
  });

  it("names the full refresh to run again when a --full-refresh is stopped", async () => {
    const target = await freshTarget(warehouse);
    fixture.sandbox.faults.add({ system: "kantata", path: "users", kind: "timeout", times: 3 });
    const stop = new AbortController();
    const summary = await syncSources(
      withKantataHttp(fixture.configFor(target), { timeout: 120_000 }),
      {
        streams: ["kantata.users"],
        fullRefresh: true,
        signal: stop.signal,
        onEvent: (event) => {
          if (event.type === "stream-started")
            setTimeout(() => stop.abort(new Error("test stop")), 500);
        },
      },
    );
    fixture.sandbox.faults.clear();
    expect(summary.streams[0]?.error?.hint).toMatch(
      /^run `pslink sync --stream kantata\.users --full-refresh` again to read it whole \(a plain sync reads on from the cursor, without the delete scan\)/,
    );
  });
});
