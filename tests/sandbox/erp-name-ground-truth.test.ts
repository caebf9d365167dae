import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { SandboxHandle } from "../../sandbox/sandbox.js";
import { customFieldValues } from "../../sandbox/servers/kantata/custom-field-values.js";
import { ERP_CUSTOMER_NAME_FIELD_ID } from "../../sandbox/world/kantata-custom-fields.js";
import type { GroundTruth, GroundTruthEntry } from "../../sandbox/world/types.js";
import {
  fetchJson,
  salesforceToken,
  startTestSandbox,
  type TestClock,
} from "./sandbox-api-helpers.js";
import { fixedWorld } from "./world-test-helpers.js";

/**
 * R08 write-backs put NetSuite's name into a Kantata client group's "ERP customer name" custom
 * field, and pslink's R08 then counts the group as agreeing on the name
 * (int_recon__r08_customer_master_mismatch): the sandbox's ground truth must say the same.
 */
let sandbox: SandboxHandle;
let clock: TestClock;
beforeAll(async () => {
  ({ sandbox, clock } = await startTestSandbox());
});
afterAll(() => sandbox.close());

interface R08Details {
  mismatched_fields: string[];
  erp: { name: string };
  psa: { name: string; erp_customer_name: string | null } | null;
}

async function groundTruth(): Promise<GroundTruth> {
  const response = await fetchJson<GroundTruth>(`${sandbox.urls.kantata}/__sandbox/ground-truth`);
  expect(response.status).toBe(200);
  return response.body;
}

async function r08(customerId: string): Promise<GroundTruthEntry | undefined> {
  return (await groundTruth()).entries.find(
    (e) => e.rule_id === "R08" && e.canonical_key === `customer:netsuite:${customerId}`,
  );
}

/** The planted R08 case whose only disagreement is `field`, with its records' ids. */
async function plantedCase(field: string) {
  const entry = (await groundTruth()).entries.find(
    (e) =>
      e.rule_id === "R08" &&
      JSON.stringify((e.details as unknown as R08Details).mismatched_fields) ===
        JSON.stringify([field]),
  );
  if (!entry) throw new Error(`no planted R08 ${field} case`);
  const ids = entry.systems as Record<string, Record<string, string>>;
  return {
    customer: ids.netsuite?.customer ?? "",
    account: ids.salesforce?.account ?? "",
    group: ids.kantata?.workspace_group ?? "",
    erpName: (entry.details as unknown as R08Details).erp.name,
  };
}

async function setErpName(group: string, value: unknown): Promise<void> {
  clock.advance(1000);
  const response = await fetchJson(`${sandbox.urls.kantata}/api/v1/custom_field_values.json`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${sandbox.credentials.kantata.token}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({
      custom_field_value: {
        subject_type: "WorkspaceGroup",
        subject_id: group,
        custom_field_id: ERP_CUSTOMER_NAME_FIELD_ID,
        value,
      },
    }),
  });
  expect(response.status).toBe(200);
}

async function renameAccount(account: string, name: string): Promise<void> {
  const token = await salesforceToken(sandbox);
  const response = await fetch(
    `${sandbox.urls.salesforce}/services/data/v60.0/sobjects/Account/${account}`,
    {
      method: "PATCH",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ Name: name }),
    },
  );
  expect(response.status).toBe(204);
}

describe("R08 in the sandbox's ground truth and Kantata's ERP customer name field", () => {
  it("declares the field pslink's models read, served by GET /custom_fields.json", async () => {
    const project = parse(
      await readFile(new URL("../../models/dbt_project.yml", import.meta.url), "utf8"),
    ) as {
      vars: Record<string, unknown>;
    };
    const fieldId = String(project.vars.kantata_customer_name_field_id);
    expect(fieldId).toBe(ERP_CUSTOMER_NAME_FIELD_ID);
    const response = await fetchJson<{ custom_fields: Record<string, { name: string }> }>(
      `${sandbox.urls.kantata}/api/v1/custom_fields.json?only=${fieldId}`,
      { headers: { authorization: `Bearer ${sandbox.credentials.kantata.token}` } },
    );
    expect(response.body.custom_fields[fieldId]?.name).toBe("ERP customer name");
  });

  it("counts a client group whose field holds NetSuite's name as agreeing, and one holding another name as not", async () => {
    const planted = await plantedCase("name");
    // Salesforce takes NetSuite's name first: the client group's own name still differs.
    await renameAccount(planted.account, planted.erpName);
    const before = await groundTruth();
    const open = await r08(planted.customer);
    expect(open?.details).toMatchObject({
      mismatched_fields: ["name"],
      psa: { erp_customer_name: null },
    });

    await setErpName(planted.group, "Someone Else Holdings");
    expect((await r08(planted.customer))?.details).toMatchObject({
      mismatched_fields: ["name"],
      psa: { erp_customer_name: "Someone Else Holdings" },
    });

    // Compared as pslink compares names: case and runs of whitespace aside.
    const spelled = ` ${planted.erpName.toUpperCase().replaceAll(" ", "  ")} `;
    await setErpName(planted.group, spelled);
    expect(await r08(planted.customer)).toBeUndefined();
    const after = await groundTruth();
    expect(after.entries.map((e) => e.case_id)).toEqual(
      before.entries.map((e) => e.case_id).filter((id) => id !== open?.case_id),
    );

    // A later value replaces it: the newest value is the one that counts.
    await setErpName(planted.group, "Someone Else Holdings");
    expect((await r08(planted.customer))?.case_id).toBe(open?.case_id);
  });

  it("leaves R08's other fields and groups already named as NetSuite names them alone", async () => {
    const currency = await plantedCase("currency");
    await setErpName(currency.group, currency.erpName);
    expect((await r08(currency.customer))?.details).toMatchObject({
      mismatched_fields: ["currency"],
      psa: { erp_customer_name: currency.erpName },
    });
    // The group's own name agrees: another name in the field raises nothing.
    const legalEntity = await plantedCase("legal_entity");
    await setErpName(legalEntity.group, "Someone Else Holdings");
    expect((await r08(legalEntity.customer))?.details).toMatchObject({
      mismatched_fields: ["legal_entity"],
      psa: { erp_customer_name: "Someone Else Holdings" },
    });
  });
});

describe("R08's ERP customer name when a group holds more than one value", () => {
  it("reads the newest to the second, then the highest id, as pslink's model does", () => {
    const world = fixedWorld("small");
    const entry = world
      .groundTruth()
      .entries.find(
        (e) =>
          e.rule_id === "R08" &&
          (e.details as unknown as R08Details).mismatched_fields.includes("name"),
      );
    if (!entry) throw new Error("no planted R08 name case");
    const ids = entry.systems as Record<string, Record<string, string>>;
    const group = ids.kantata?.workspace_group ?? "";
    const erpName = (entry.details as unknown as R08Details).erp.name;
    const accounts = world.collection("salesforce", "Account");
    const account = accounts.get(ids.salesforce?.account ?? "");
    if (!account) throw new Error("the R08 name case has no account");
    accounts.upsert({ ...account, Name: erpName }, Date.now());
    const values = customFieldValues(world);
    const set = (id: string, value: string, atMs: number) =>
      values.upsert(
        {
          id,
          subject_type: "WorkspaceGroup",
          subject_id: group,
          custom_field_id: "1",
          value,
          created_at: "2026-05-01T00:00:00Z",
          updated_at: "",
        },
        atMs,
      );
    const listed = () => world.groundTruth().entries.some((e) => e.case_id === entry.case_id);
    const t = Date.parse("2026-05-10T08:00:00Z");

    set("9", erpName, t);
    set("10", "Someone Else Holdings", t + 1000);
    expect(listed()).toBe(true);
    set("9", erpName, t + 2000);
    expect(listed()).toBe(false);
    // Within one second the higher id (in numeric order) wins, as the model orders them.
    set("10", "Someone Else Holdings", t + 2400);
    expect(listed()).toBe(true);
    values.remove("10", t + 3000);
    expect(listed()).toBe(false);
    set("100", "Someone Else Holdings", t + 2000);
    expect(listed()).toBe(true);
  });
});
