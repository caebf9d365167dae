import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncSources } from "../../extractors/sync-sources.js";
import { warehouseCases } from "../support/warehouses.js";
import { freshTargets } from "./support/fresh-target.js";
import { type SandboxSync, startSandboxSync } from "./support/sandbox-sync.js";
import { allStreams, differences, landedContent, worldContent } from "./support/world-compare.js";

/**
 * Kantata hides archived workspaces from `/workspaces.json`, and their stories, time and
 * expenses from those lists, unless each is asked to show them. A project archived between two
 * runs must not look deleted to the next key scan.
 */
let fixture: SandboxSync;
beforeAll(async () => {
  fixture = await startSandboxSync(41);
});
afterAll(() => fixture.close());
const freshTarget = freshTargets();
/** The engine leaves the last seconds to a later run: changes must be older than that. */
const afterSafetyLag = () => sleep(3_100);

describe.each(warehouseCases())("kantata archived projects on $kind", (warehouse) => {
  it("keeps an archived project's workspace, stories, time and expenses through a key scan", async () => {
    const target = await freshTarget(warehouse);
    const config = fixture.configFor(target);
    await syncSources(config, { sources: ["kantata"] });

    // Archive, through Kantata's own API, a live workspace that has stories and expenses.
    const { world, urls, credentials } = fixture.sandbox;
    const stories = [...world.collection("kantata", "stories").scan()];
    const expenses = [...world.collection("kantata", "expenses").scan()];
    const workspace = [...world.collection("kantata", "workspaces").scan()].find(
      (w) =>
        w.archived !== true &&
        stories.some((s) => s.workspace_id === w.id) &&
        expenses.some((e) => e.workspace_id === w.id),
    );
    if (!workspace) throw new Error("no live workspace with stories and expenses");
    const response = await fetch(`${urls.kantata}/api/v1/workspaces/${workspace.id}.json`, {
      method: "PUT",
      headers: {
        authorization: `Bearer ${credentials.kantata.token}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ workspace: { archived: true } }),
    });
    expect(response.status).toBe(200);
    await afterSafetyLag();

    const scan = await syncSources(config, { sources: ["kantata"], fullRefresh: true });
    expect(scan.status).toBe("succeeded");
    expect(scan.streams.filter((s) => s.deletedRows > 0).map((s) => s.stream)).toEqual([]);
    const wh = await warehouse.open(target);
    const [archived] = await wh.query<{ archived: unknown }>(
      `select archived from src_kantata.workspaces where id = '${workspace.id}' and _pslink_deleted_at is null`,
    );
    expect(archived?.archived).toBe(true);
    for (const { system, stream } of allStreams().filter((s) => s.system === "kantata")) {
      const landed = await landedContent(wh, system, stream);
      expect(differences(worldContent(world, system, stream), landed), stream.name).toEqual([]);
    }
  });
});
