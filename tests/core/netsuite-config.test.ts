import { describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config/index.js";
import { configProblems } from "../support/config-problems.js";

const ENV = { NETSUITE_PRIVATE_KEY: "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----" };

/** A NetSuite source with `extra` lines added under it. */
function netsuite(...extra: string[]): string {
  return [
    "version: 1",
    "sources:",
    "  netsuite:",
    "    base_url: https://1234567.suitetalk.api.netsuite.com",
    ...extra.map((line) => `    ${line}`),
    "    auth:",
    "      kind: oauth2_jwt",
    "      client_id: ns-client",
    "      certificate_id: cert-1",
    '      private_key: "${NETSUITE_PRIVATE_KEY}"',
  ].join("\n");
}

const problems = (yaml: string) => configProblems(yaml, ENV);

describe("netsuite config", () => {
  it("accepts NetSuite's client-credentials algorithms and IANA time zones", () => {
    const yaml = netsuite("account_timezone: Europe/Berlin").replace(
      "kind: oauth2_jwt",
      "kind: oauth2_jwt\n      algorithm: ES384",
    );
    const config = parseConfig(yaml, { file: "pslink.yml", baseDir: "/tmp", env: ENV });
    expect(config.sources.netsuite?.account_timezone).toBe("Europe/Berlin");
    expect(config.sources.netsuite?.auth).toMatchObject({ kind: "oauth2_jwt", algorithm: "ES384" });
    const defaults = parseConfig(netsuite(), { file: "pslink.yml", baseDir: "/tmp", env: ENV });
    expect(defaults.sources.netsuite).toMatchObject({
      account_timezone: "UTC",
      auth: { algorithm: "PS256" },
    });
  });

  it("refuses RS256 and says which algorithms to write instead", () => {
    const message = problems(
      netsuite().replace("kind: oauth2_jwt", "kind: oauth2_jwt\n      algorithm: RS256"),
    );
    expect(message).toContain("sources.netsuite.auth.algorithm: ");
    expect(message).toContain("RS256 is refused");
    expect(message).toContain("write algorithm: PS256");
  });

  it("refuses a time zone name that does not exist at config check, not mid-sync", () => {
    const message = problems(netsuite("account_timezone: America/Los_Angles"));
    expect(message).toContain("sources.netsuite.account_timezone: write an IANA time zone");
    expect(message).not.toContain("RangeError");
  });
});
