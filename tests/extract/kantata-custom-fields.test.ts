import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customFieldValuesStream } from "../../extractors/kantata/streams/custom-field-values-stream.js";
import { syncSources } from "../../extractors/sync-sources.js";
import { warehouseCases } from "../support/warehouses.js";
import { freshTargets } from "./support/fresh-target.js";
import { sandboxCollection } from "./support/sandbox-collections.js";
import { type SandboxSync, startSandboxSync } from "./support/sandbox-sync.js";
import { differences, landedContent, worldContent } from "./support/world-compare.js";

/**
 * Setting a Kantata custom field value replaces the subject's old one under a new id, and the
 * old id leaves the list: the next run lands the new value, and the key scan soft-deletes the
 * old one (until then both are live, which is why readers take the newest per subject and field).
 */
let fixture: SandboxSync;
beforeAll(async () => {
  fixture = await startSandboxSync(43);
});
afterAll(() => fixture.close());
const freshTarget = freshTargets();
/** The engine leaves the last seconds to a later run: changes must be older than that. */
const afterSafetyLag = () => sleep(3_100);
const only = { sources: ["kantata"], streams: ["custom_field_values"] };

describe.each(warehouseCases())("kantata custom field values on $kind", (warehouse) => {
  it("lands a replacing value under its new id, and the key scan soft-deletes the old one", async () => {
    const target = await freshTarget(warehouse);
    const config = fixture.configFor(target);
    expect((await syncSources(config, only)).status).toBe("succeeded");

    const { world, urls, credentials } = fixture.sandbox;
    const values = sandboxCollection(world, "kantata", "custom_field_values");
    const old = [...values.scan()].find((value) => value.custom_field_id === "1");
    if (!old) throw new Error("no seeded ERP customer name value");
    const response = await fetch(`${urls.kantata}/api/v1/custom_field_values.json`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${credentials.kantata.token}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({
        custom_field_value: {
          subject_type: old.subject_type,
          subject_id: old.subject_id,
          custom_field_id: old.custom_field_id,
          value: "Renamed Holdings",
        },
      }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { results: { id: string }[] };
    const replacing = body.results[0]?.id ?? "";
    expect(replacing).not.toBe(old.id);
    expect(values.get(String(old.id))).toBeUndefined();
    await afterSafetyLag();

    const wh = await warehouse.open(target);
    const live = async () =>
      (
        await wh.query<{ id: string; value: unknown }>(
          `select id, value from src_kantata.custom_field_values
           where subject_id = $1 and custom_field_id = '1' and _pslink_deleted_at is null
           order by id`,
          [String(old.subject_id)],
        )
      ).map((row) => [row.id, row.value]);
    const next = await syncSources(config, only);
    expect(next.streams[0]).toMatchObject({ mode: "incremental", newRows: 1, deletedRows: 0 });
    expect(await live()).toEqual(
      [
        [String(old.id), old.value],
        [replacing, "Renamed Holdings"],
      ].sort(),
    );

    const scan = await syncSources(config, { ...only, fullRefresh: true });
    expect(scan.streams[0]).toMatchObject({ status: "succeeded", deletedRows: 1 });
    expect(await live()).toEqual([[replacing, "Renamed Holdings"]]);
    const landed = await landedContent(wh, "kantata", customFieldValuesStream);
    expect(differences(worldContent(world, "kantata", customFieldValuesStream), landed)).toEqual(
      [],
    );
  });
});
