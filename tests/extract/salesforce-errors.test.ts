import { afterEach, describe, expect, it } from "vitest";
import type { SalesforceConfig } from "../../core/config/index.js";
import { Secret } from "../../core/secret.js";
import { syncSources } from "../../extractors/sync-sources.js";
import { type WarehouseCase, warehouseCases } from "../support/warehouses.js";
import { freshTargets } from "./support/fresh-target.js";
import { type SandboxSync, startSandboxSync } from "./support/sandbox-sync.js";

/**
 * What a user reads when Salesforce refuses: the org's daily API limit (a 403 that is no
 * permission problem), a refused token with the vendor's reason, a field the org lacks.
 */
let fixture: SandboxSync | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});
const freshTarget = freshTargets();

async function sync(
  warehouse: WarehouseCase,
  stream: string,
  edit: (config: SalesforceConfig) => SalesforceConfig,
) {
  fixture ??= await startSandboxSync(43);
  const config = fixture.configFor(await freshTarget(warehouse));
  const salesforce = edit(config.sources.salesforce as SalesforceConfig);
  return (
    await syncSources(
      { ...config, sources: { ...config.sources, salesforce } },
      { streams: [stream] },
    )
  ).streams[0];
}

describe.each(warehouseCases())("salesforce refusals on $kind", (warehouse) => {
  it("reports the org's used-up daily API limit with its usage, retried by a later run, not at once", async () => {
    fixture = await startSandboxSync(43, { limits: { salesforceApiRequests: 1 } });
    const target = await freshTarget(warehouse);
    const config = fixture.configFor(target);
    const first = await syncSources(config, { streams: ["salesforce.Account"] });
    expect(first.streams[0]).toMatchObject({ status: "succeeded" });
    const { requestLog } = fixture.sandbox;
    requestLog.clear();
    const [stream] = (await syncSources(config, { streams: ["salesforce.Account"] })).streams;
    expect(stream?.status).toBe("failed");
    expect(stream?.error?.kind).toBe("transient");
    expect(stream?.error?.message).toContain(
      "403: REQUEST_LIMIT_EXCEEDED: the org's daily API request limit is used up (api-usage 1 of 1 requests in the last 24 hours)",
    );
    expect(stream?.error?.hint).toContain("run the sync again later");
    expect(requestLog.count({ system: "salesforce", status: 403 })).toBe(1);
  });

  it("quotes the token endpoint's OAuth error, never the secret", async () => {
    const wrongSecret = "wrong-client-secret-4711";
    const refused = await sync(warehouse, "salesforce.Account", (config) => ({
      ...config,
      auth: { ...config.auth, client_secret: new Secret(wrongSecret) },
    }));
    expect(refused?.error?.kind).toBe("config");
    expect(refused?.error?.message).toBe(
      "salesforce token request was refused (400 invalid_client: invalid client credentials)",
    );
    expect(refused?.error?.hint).toContain("sources.salesforce.auth");
    const unknown = await sync(warehouse, "salesforce.Account", (config) => ({
      ...config,
      auth: { ...config.auth, client_id: "3MVG9unknown" },
    }));
    expect(unknown?.error?.message).toBe(
      "salesforce token request was refused (400 invalid_client_id: client identifier invalid)",
    );
    expect(JSON.stringify([refused?.error, unknown?.error])).not.toContain(wrongSecret);
  });

  it("names CurrencyIsoCode and what to do in an org without multiple currencies", async () => {
    fixture = await startSandboxSync(43);
    // A single-currency org has no CurrencyIsoCode on any object.
    const accounts = fixture.sandbox.world.collection("salesforce", "Account");
    for (const record of accounts.scan()) delete record.CurrencyIsoCode;
    const [stream] = (
      await syncSources(fixture.configFor(await freshTarget(warehouse)), {
        streams: ["salesforce.Account"],
      })
    ).streams;
    expect(stream?.status).toBe("failed");
    expect(stream?.error?.kind).toBe("config");
    expect(stream?.error?.message).toMatch(
      /returned 400: INVALID_FIELD: Account\.CurrencyIsoCode does not exist in this org or is hidden from the integration user$/,
    );
    expect(stream?.error?.hint).toContain("multiple currencies");
    expect(stream?.error?.hint).toContain("sources.salesforce.streams.Account.enabled: false");
  });

  it("names api_version when the org does not serve it, at once", async () => {
    fixture ??= await startSandboxSync(43);
    fixture.sandbox.requestLog.clear();
    const stream = await sync(warehouse, "salesforce.Opportunity", (config) => ({
      ...config,
      api_version: "v99.0",
    }));
    expect(stream?.status).toBe("failed");
    expect(stream?.error?.kind).toBe("config");
    expect(stream?.error?.message).toMatch(
      /^salesforce GET http:\/\/127\.0\.0\.1:\d+\/services\/data\/v99\.0\/query\?… returned 404: NOT_FOUND: The requested resource does not exist$/,
    );
    expect(stream?.error?.hint).toBe(
      "every API version an org serves has the query resource, so this org does not serve v99.0: set sources.salesforce.api_version to one that GET /services/data/ at the base URL lists (unset, it is v60.0)",
    );
    expect(fixture.sandbox.requestLog.count({ system: "salesforce", status: 404 })).toBe(1);
  });
});
