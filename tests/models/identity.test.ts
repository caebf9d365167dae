import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Warehouse } from "../../warehouse/warehouse.js";
import { runCli } from "../support/run-cli.js";
import { warehouseCases } from "../support/warehouses.js";
import { build, type LandedSandbox, landSandbox, resyncAndBuild } from "./model-harness.js";

interface Proposed {
  canonical_id: string;
  source_system: string;
  system_object: string;
  system_id: string;
  name: string;
  record_name: string;
}

const [duckdb] = warehouseCases();

describe("pslink identity (sandbox small, duckdb)", () => {
  let landed: LandedSandbox;
  let wh: Warehouse;
  let vars: Record<string, unknown>;
  const identity = async (...args: string[]) =>
    runCli(["-c", landed.configPath, "identity", ...args]);

  beforeAll(async () => {
    const target = await duckdb!.target();
    landed = await landSandbox("small", target);
    wh = await duckdb!.open(target);
    vars = { as_of_date: landed.sandbox.world.asOf };
    await build(wh, vars);
  }, 300_000);
  afterAll(async () => landed?.sandbox.close());

  it("lists the proposed name matches; linking them at the source as it says joins them after a sync and build", async () => {
    // A PSA user created by hand: a Workday worker's name, but another e-mail and no reference.
    const { world } = landed.sandbox;
    const [worker] = [...world.collection("workday", "workers").scanByKey()] as Record<
      string,
      string
    >[];
    const users = world.collection("kantata", "users");
    const [someone] = [...users.scanByKey()] as Record<string, unknown>[];
    const userId = "48888888";
    users.upsert(
      {
        ...someone,
        id: userId,
        full_name: worker?.Worker.toUpperCase(),
        email_address: "contractor.48888888@example.net",
      },
      Date.now(),
    );
    await resyncAndBuild(landed, wh, vars, { runAt: "2026-01-01T12:00:00Z" });

    const listed = await identity("--json");
    expect(listed.code, listed.stderr).toBe(0);
    const proposed = listed.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Proposed);
    const account = proposed.find((match) => match.source_system === "salesforce");
    const group = proposed.find(
      (match) => match.source_system === "kantata" && match.system_object === "workspace_group",
    );
    const user = proposed.find((match) => match.system_object === "user");
    if (!account || !group || !user)
      throw new Error(`expected CRM, PSA client group and PSA user proposals: ${listed.stdout}`);
    expect(user).toMatchObject({
      canonical_id: `worker:workday:${worker?.Employee_ID}`,
      system_id: userId,
      name: worker?.Worker,
    });
    for (const match of proposed)
      expect(match.record_name?.toLowerCase()).toBe(match.name?.toLowerCase());

    const text = (await identity()).stdout;
    const customerOf = (match: Proposed) => match.canonical_id.replace("customer:netsuite:", "");
    expect(text).toContain(
      `to confirm: in NetSuite, set customer ${customerOf(account)}'s External ID to the Account Id ${account.system_id}`,
    );
    expect(text).toContain(
      `to confirm: in Kantata, give client group ${group.system_id} an external reference to NetSuite customer ${customerOf(group)} (service NetSuite, model customer)`,
    );
    expect(text).toContain(
      `to confirm: in Kantata, give user ${userId} an external reference to Workday worker ${worker?.Employee_ID} (service Workday, model Worker), or the worker's e-mail`,
    );
    expect(text).toContain(`${proposed.length} proposed match(es).`);

    // The steward links all three at the source, as the command says.
    const customers = world.collection("netsuite", "customer");
    const customer = customers.get(customerOf(account)) as Record<string, unknown>;
    customers.upsert({ ...customer, externalid: account.system_id }, Date.now());
    const references = world.collection("kantata", "external_references");
    const [reference] = [...references.scanByKey()] as Record<string, unknown>[];
    references.upsert(
      {
        ...reference,
        id: "49999999",
        subject_type: "WorkspaceGroup",
        subject_id: group.system_id,
        service_name: "NetSuite",
        service_model: "customer",
        service_model_ref: customerOf(group),
      },
      Date.now(),
    );
    references.upsert(
      {
        ...reference,
        id: "49999998",
        subject_type: "User",
        subject_id: userId,
        service_name: "Workday",
        service_model: "Worker",
        service_model_ref: worker?.Employee_ID,
      },
      Date.now(),
    );
    await resyncAndBuild(landed, wh, vars, { runAt: "2026-01-02T00:00:00Z" });

    const after = (await identity("--json")).stdout;
    expect(after).not.toContain(account.system_id);
    expect(after).not.toContain(`"system_id":"${group.system_id}"`);
    expect(after).not.toContain(`"system_id":"${userId}"`);
    const links = await wh.query<{ system_id: string; canonical_id: string; match_method: string }>(
      `select system_id, canonical_id, match_method from canonical.identity_map
       where (system_id in ($1, $2) and entity_type = 'customer')
          or (system_id = $3 and entity_type = 'worker')
       order by system_id`,
      [account.system_id, group.system_id, userId],
    );
    expect(links).toEqual(
      [
        {
          system_id: account.system_id,
          canonical_id: account.canonical_id,
          match_method: "external_id",
        },
        {
          system_id: group.system_id,
          canonical_id: group.canonical_id,
          match_method: "external_reference",
        },
        { system_id: userId, canonical_id: user.canonical_id, match_method: "external_reference" },
      ].sort((a, b) => a.system_id.localeCompare(b.system_id)),
    );
  }, 300_000);
});
