import { generateKeyPairSync, type KeyExportOptions, type KeyObject } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config/index.js";
import { configProblems } from "../support/config-problems.js";

const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
const pem = (key: KeyObject, type: "pkcs8" | "pkcs1" | "sec1" = "pkcs8") =>
  key.export({ type, format: "pem" } as KeyExportOptions<"pem">).toString();
const ENV = { NETSUITE_PRIVATE_KEY: pem(rsa) };

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
    const ec = pem(generateKeyPairSync("ec", { namedCurve: "P-384" }).privateKey);
    const config = parseConfig(yaml, {
      file: "pslink.yml",
      baseDir: "/tmp",
      env: { NETSUITE_PRIVATE_KEY: ec },
    });
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

  it("reads the private key when the config is read: PKCS#8 or PKCS#1, of the algorithm's kind", () => {
    const withAlgorithm = (algorithm = "PS256") =>
      netsuite().replace("kind: oauth2_jwt", `kind: oauth2_jwt\n      algorithm: ${algorithm}`);
    const read = (key: string, algorithm?: string) =>
      parseConfig(withAlgorithm(algorithm), {
        file: "pslink.yml",
        baseDir: "/tmp",
        env: { NETSUITE_PRIVATE_KEY: key },
      });
    const refused = (key: string, algorithm?: string) =>
      configProblems(withAlgorithm(algorithm), { NETSUITE_PRIVATE_KEY: key });
    // `openssl genrsa`'s PKCS#1 is read as well as PKCS#8.
    expect(read(pem(rsa, "pkcs1")).sources.netsuite?.auth.kind).toBe("oauth2_jwt");
    const p384 = generateKeyPairSync("ec", { namedCurve: "P-384" }).privateKey;
    expect(read(pem(p384, "sec1"), "ES384").sources.netsuite?.auth.kind).toBe("oauth2_jwt");

    const key = "sources.netsuite.auth.private_key: ";
    expect(refused("/etc/pslink/netsuite.pem")).toContain(
      `${key}the variable holds no PEM key: set it to the key's text`,
    );
    // A .env line without quotes: the key's first line only.
    expect(refused("-----BEGIN PRIVATE KEY-----")).toContain(
      `${key}the variable holds the start of a PEM key but not its end: in a .env file a key on several lines needs double quotes`,
    );
    const certificate = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
    expect(refused(certificate)).toContain(
      `${key}the variable holds a certificate, not its private key`,
    );
    const encrypted = rsa
      .export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "pw" })
      .toString();
    expect(refused(encrypted)).toContain(`${key}the key is encrypted with a passphrase`);
    expect(refused("-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----")).toContain(
      `${key}the variable holds no private key Node can read`,
    );
    expect(refused(pem(p384))).toContain(
      `${key}the key is an EC key and PS256 signs with RSA: write algorithm: ES384 for this key`,
    );
    expect(refused(pem(p384), "ES256")).toContain(
      `${key}the key's curve is secp384r1 and ES256 signs on P-256: write algorithm: ES384`,
    );
    expect(refused(pem(rsa), "ES256")).toContain(
      `${key}the key is an RSA key and ES256 signs with EC: write algorithm: PS256 for an RSA key`,
    );
    // Never the key's text.
    expect(refused(pem(p384))).not.toContain(pem(p384).split("\n")[1]);
  });

  it("reads a key kept on one line, its line breaks written as \\n or lost to spaces, and says what is wrong with a broken one", () => {
    const read = (key: string) =>
      parseConfig(netsuite(), {
        file: "pslink.yml",
        baseDir: "/tmp",
        env: { NETSUITE_PRIVATE_KEY: key },
      });
    const lines = pem(rsa).trim().split("\n");
    // As a CI secret or `docker run --env-file` holds it: '-----BEGIN PRIVATE KEY-----\nMIIE…'.
    for (const oneLine of [lines.join("\\n"), `${lines.join("\\r\\n")}\\n`, lines.join(" ")])
      expect(read(oneLine).sources.netsuite?.auth.kind).toBe("oauth2_jwt");

    const key =
      "sources.netsuite.auth.private_key: the variable holds no private key Node can read (";
    const mismatched = configProblems(netsuite(), {
      NETSUITE_PRIVATE_KEY: pem(rsa).replace("END PRIVATE KEY", "END RSA PRIVATE KEY"),
    });
    expect(mismatched).toContain(key);
    expect(mismatched).toContain(
      "its BEGIN line names PRIVATE KEY and its END line RSA PRIVATE KEY; the two name the same kind in one key",
    );
    const quoted = configProblems(netsuite(), {
      NETSUITE_PRIVATE_KEY: lines.join('\\n"\n"'),
    });
    expect(quoted).toContain(
      "between its BEGIN and END lines it holds characters a PEM key has not (only A-Z, a-z, 0-9, +, / and = belong there)",
    );
    const cut = configProblems(netsuite(), {
      NETSUITE_PRIVATE_KEY: [lines[0], lines[1], lines.at(-1)].join("\n"),
    });
    expect(cut).toContain(
      "its text between BEGIN and END is not a whole private key (cut short, or of another format)",
    );
    for (const message of [mismatched, quoted, cut]) expect(message).not.toContain(lines[2]);
  });

  it("refuses a time zone name that does not exist at config check, not mid-sync", () => {
    const message = problems(netsuite("account_timezone: America/Los_Angles"));
    expect(message).toContain("sources.netsuite.account_timezone: write an IANA time zone");
    expect(message).not.toContain("RangeError");
  });
});
