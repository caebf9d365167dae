import { spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { configEnv, loadConfig, parseConfig } from "../../core/config/index.js";
import { postgresSsl } from "../../core/config/postgres-ssl.js";
import { describeError, PslinkError } from "../../core/errors.js";
import { redact } from "../../core/secret.js";
import { postgresConnection } from "../../warehouse/postgres-connect.js";
import { configProblems } from "../support/config-problems.js";
import { runCli } from "../support/run-cli.js";

/** A real key: the config reads NetSuite's private key as it is loaded. */
const NETSUITE_KEY = generateKeyPairSync("rsa", { modulusLength: 2048 })
  .privateKey.export({ type: "pkcs8", format: "pem" })
  .toString();

const EXAMPLE_ENV = {
  SALESFORCE_CLIENT_ID: "3MVG9example",
  SALESFORCE_CLIENT_SECRET: "sf-secret-value-123",
  NETSUITE_CLIENT_ID: "ns-client",
  NETSUITE_CERTIFICATE_ID: "cert-1",
  NETSUITE_PRIVATE_KEY: NETSUITE_KEY,
  KANTATA_TOKEN: "kantata-token-456",
  WORKDAY_ISU_PASSWORD: "wd-password-789",
};

function parse(yaml: string, env: Record<string, string> = {}) {
  return parseConfig(yaml, { file: "pslink.yml", baseDir: "/tmp", env });
}

const problems = configProblems;

describe("config", () => {
  it("accepts the annotated real-tenant example with its secrets from the environment", () => {
    const config = loadConfig("examples/pslink.example.yml", EXAMPLE_ENV);
    expect(config.warehouse.kind).toBe("duckdb");
    expect(config.sources.salesforce?.http.requests_per_second).toBe(10);
    expect(config.sources.netsuite?.streams.timebill?.delete_scan_every).toBe(86_400_000);
    expect(config.sources.workday?.report?.window).toBe(30 * 86_400_000);
    expect(config.sources.kantata?.auth.token.reveal()).toBe("kantata-token-456");
    expect(config.governance.stewards.map((s) => s.name)).toEqual(["fiona", "harry"]);
    expect(config.governance.windows.netsuite).toEqual({
      start: "0 22 * * 1-5",
      duration: 4 * 3_600_000,
      timezone: "America/New_York",
    });
    // Salesforce keeps the default window; ownership DESIGN's matrix.
    expect(config.governance.windows.salesforce.start).toBe("0 22 * * *");
    expect(config.governance.ownership.worker.owner).toBe("workday");
    expect(Object.keys(config.schedules.jobs)).toEqual(["hourly", "nightly", "apply"]);
    expect(config.schedules.jobs.nightly?.steps[0]).toEqual({
      kind: "sync",
      full_refresh: true,
    });
  });

  it("defaults to an embedded DuckDB warehouse", () => {
    const config = parse("version: 1\n");
    expect(config.warehouse).toMatchObject({ kind: "duckdb", path: "warehouse.duckdb" });
    expect(config.sources).toEqual({});
  });

  it("names the path of a bad key and what to write instead", () => {
    const message = problems(
      "version: 1\nsources:\n  salesforce:\n    base_ur: https://x.my.salesforce.com\n",
    );
    expect(message).toContain(
      'sources.salesforce: unknown key(s) "base_ur"; did you mean "base_url"?',
    );
    // One mistake, one line: the missing base_url is the key the unknown one meant.
    expect(message).not.toContain("base_url: missing");
    expect(message).toContain("sources.salesforce.auth: missing: add this key");
    expect(message).toMatch(/has 2 problem\(s\)/);
  });

  it("words number bounds, choices and auth kinds plainly, with the value written", () => {
    const message = problems(
      [
        "version: 1",
        "sources:",
        "  kantata:",
        "    base_url: https://api.mavenlink.com/api/v1",
        '    auth: { kind: bearerr, token: "${KANTATA_TOKEN}" }',
        "    per_page: 500",
        "    http: { requests_per_second: -5, max_concurrency: 2.5 }",
        "  workday:",
        "    base_url: https://wd2-impl-services1.workday.com",
        "    tenant: acme",
        "    mode: soap",
        '    auth: { kind: basic, username: u, password: "${WD_PW}" }',
        "  netsuite:",
        "    base_url: https://123.suitetalk.api.netsuite.com",
        "    account_id: '123'",
        "    auth: { kind: jwt }",
        "governance:",
        "  stewards:",
        '    - { name: "", domains: [worker] }',
      ].join("\n"),
      { KANTATA_TOKEN: "t", WD_PW: "p" },
    );
    for (const line of [
      "sources.kantata.auth.kind: must be \"bearer\"; got 'bearerr'",
      "sources.kantata.per_page: must be at most 200, got 500",
      "sources.kantata.http.requests_per_second: must be greater than 0, got -5",
      "sources.kantata.http.max_concurrency: expected a whole number, got number 2.5",
      "sources.workday.mode: must be one of raas, rest; got 'soap'",
      "sources.netsuite.auth.kind: must be one of oauth2_jwt, tba; got 'jwt'",
      "governance.stewards.0.name: must not be empty",
    ])
      expect(message).toContain(`  - ${line}`);
    expect(message).not.toMatch(/Too small|Too big|Invalid option|Invalid input|discriminator/);
  });

  it("suggests the nearest key in nested unions", () => {
    const message = problems("version: 1\nwarehouse:\n  kind: postgres\n  hots: db.internal\n");
    expect(message).toContain('warehouse: unknown key(s) "hots"; did you mean "host"?');
  });

  it("finds a schedule's sync of a source the config does not have", () => {
    const message = problems(
      [
        "version: 1",
        "sources:",
        "  kantata: { base_url: 'https://api.mavenlink.com/api/v1', auth: { kind: bearer, token: '${KT}' } }",
        "schedules:",
        "  jobs:",
        "    hourly: { cron: '0 * * * *', steps: [{ sync: { sources: [kantta] } }, build] }",
      ].join("\n"),
      { KT: "kt-test-value-5a1d" },
    );
    expect(message).toContain(
      "  - schedules.jobs.hourly.steps.0.sync.sources: kantta is not configured under sources (configured: kantata)",
    );
  });

  it("finds a PostgreSQL warehouse that names no server when the config is read", () => {
    expect(problems("version: 1\nwarehouse: { kind: postgres, host: db.internal }\n")).toContain(
      "  - warehouse: PostgreSQL needs database, user (or a url)",
    );
    const url = problems("version: 1\nwarehouse: { kind: postgres, url: '${PG_URL}' }\n", {
      PG_URL: "not a url at all",
    });
    expect(url).toContain(
      "  - warehouse.url: is not a valid URL: write postgres://host:5432/database, with user:password@ after the postgres://",
    );
    expect(
      problems("version: 1\nwarehouse: { kind: postgres, url: '${PG_URL}' }\n", {
        PG_URL: "mysql://u:p@db/x",
      }),
    ).toContain("  - warehouse.url: must start with postgres://, not mysql://");
    // A password pasted with a bare %, which the driver would fail on as "URI malformed".
    expect(
      problems("version: 1\nwarehouse: { kind: postgres, url: '${PG_URL}' }\n", {
        PG_URL: "postgres://pslink:100%sure@db/x",
      }),
    ).toContain(
      "  - warehouse.url: has a % in its password that is not followed by two hex digits: write % as %25",
    );
  });

  it("reads a PostgreSQL url whose password is a reference, and refuses one written out", () => {
    const yaml = (url: string) => `version: 1\nwarehouse: { kind: postgres, url: '${url}' }\n`;
    const password = "p@ss/w%rd:1 #x";
    const config = parse(
      yaml("postgres://pslink:${PG_PASSWORD}@db.internal:5433/pslink?sslmode=require"),
      { PG_PASSWORD: password },
    );
    if (config.warehouse.kind !== "postgres") throw new Error("expected a postgres warehouse");
    // Filled in percent-encoded: the URL still parses, and its password reads back whole.
    const url = new URL(config.warehouse.url?.reveal() ?? "");
    expect([url.username, decodeURIComponent(url.password), url.host, url.pathname]).toEqual([
      "pslink",
      password,
      "db.internal:5433",
      "/pslink",
    ]);
    expect(url.searchParams.get("sslmode")).toBe("require");
    expect(redact(`authentication failed for ${password}`)).not.toContain(password);
    // An IPv6 host is bracketed in the URL, not in what the driver connects to.
    const v6 = parse(yaml("postgres://pslink:${PG_PASSWORD}@[::1]:5433/pslink"), {
      PG_PASSWORD: password,
    });
    if (v6.warehouse.kind !== "postgres") throw new Error("expected a postgres warehouse");
    const { client } = postgresConnection(v6.warehouse, v6.baseDir);
    expect([client.host, client.port, client.database]).toEqual(["::1", 5433, "pslink"]);
    // No password in the URL at all (trust or peer authentication): nothing secret to refuse.
    const trusted = parse(yaml("postgres://pslink@db.internal/pslink"));
    expect(trusted.warehouse.kind === "postgres" && trusted.warehouse.url?.reveal()).toBe(
      "postgres://pslink@db.internal/pslink",
    );

    const literal = problems(yaml("postgres://pslink:Hunter2-Literal@db.internal/pslink"));
    expect(literal).toContain(
      "  - warehouse.url: the password is written out in the url: put it in an environment variable",
    );
    expect(literal).not.toContain("Hunter2-Literal");
    expect(
      problems(yaml("postgres://pslink@db.internal/pslink?password=${PG_PASSWORD}"), {
        PG_PASSWORD: password,
      }),
    ).toContain(
      "  - warehouse.url: pslink reads only sslmode, sslrootcert, sslcert and sslkey after the ?, and would pass over password: remove it",
    );
    expect(problems(yaml("postgres://pslink:${PG_PASSWORD}@db.internal/pslink"))).toContain(
      "  - warehouse.url: environment variable PG_PASSWORD is not set",
    );
    expect(problems(yaml("pslink@db.internal/pslink"))).toContain(
      "  - warehouse.url: secrets are read from the environment only",
    );
  });

  it("reads PostgreSQL's TLS settings and refuses ones that contradict themselves", () => {
    const env = { PG_URL: "postgres://pslink@db.internal/pslink" };
    const warehouse = (keys: string, url = "${PG_URL}") =>
      `version: 1\nwarehouse:\n  kind: postgres\n  url: '${url}'\n${keys}`;
    const ssl = (yaml: string) => {
      const read = parse(yaml, env).warehouse;
      return read.kind === "postgres" ? read.ssl : undefined;
    };
    expect([ssl(warehouse("")), ssl(warehouse("  ssl: true\n"))]).toEqual(["disable", "require"]);
    expect(ssl(warehouse("  ssl: verify-full\n"))).toBe("verify-full");

    expect(problems(warehouse("  ssl: verify_full\n"), env)).toContain(
      '  - warehouse.ssl: "verify_full" is not an ssl mode: write true (encrypted), verify-ca or verify-full',
    );
    expect(
      problems(warehouse("", "postgres://pslink@db.internal/pslink?sslmode=strict"), env),
    ).toContain("  - warehouse.url: sslmode=strict is not one of PostgreSQL's modes");
    expect(
      problems(
        warehouse("  ssl: true\n", "postgres://pslink@db.internal/pslink?sslmode=verify-full"),
        env,
      ),
    ).toContain("  - warehouse.ssl: says require and the url's sslmode says verify-full");
    const pgUrl = (query: string) =>
      problems(warehouse("", `postgres://pslink@db.internal/pslink?${query}`), env);
    expect(pgUrl("connect_timeout=10&application_name=etl")).toContain(
      "  - warehouse.url: pslink reads only sslmode, sslrootcert, sslcert and sslkey after the ?, and would pass over connect_timeout, application_name: remove them",
    );
    expect(problems(warehouse("  ssl_root_cert: ca.pem\n"), env)).toContain(
      "  - warehouse.ssl_root_cert: is given but the connection is not encrypted: set ssl: verify-full",
    );
  });

  it("reads a client certificate from the keys or the url's sslcert and sslkey, as a pair", () => {
    const env = { PG_URL: "postgres://pslink@db.internal/pslink", PG_KEY_PASSWORD: "k3y-pass-77" };
    const warehouse = (keys: string, query = "") =>
      `version: 1\nwarehouse:\n  kind: postgres\n  url: 'postgres://pslink@db.internal/pslink${query}'\n${keys}`;
    const client = (yaml: string) => {
      const read = parse(yaml, env).warehouse;
      return read.kind === "postgres" ? postgresSsl(read) : undefined;
    };
    const pair = "  ssl: verify-full\n  ssl_cert: pslink.crt\n  ssl_key: pslink.key\n";
    expect(client(warehouse(pair))).toEqual({
      mode: "verify-full",
      client: { cert: "pslink.crt", key: "pslink.key" },
    });
    expect(client(warehouse("", "?sslmode=require&sslcert=c.pem&sslkey=k.pem"))).toEqual({
      mode: "require",
      client: { cert: "c.pem", key: "k.pem" },
    });
    const read = parse(warehouse(`${pair}  ssl_key_password: \${PG_KEY_PASSWORD}\n`), env);
    expect(read.warehouse.kind === "postgres" && read.warehouse.ssl_key_password?.reveal()).toBe(
      "k3y-pass-77",
    );

    const problem = (yaml: string) => problems(yaml, env);
    expect(problem(warehouse("  ssl: true\n  ssl_cert: pslink.crt\n"))).toContain(
      "  - warehouse.ssl_cert: needs its private key: set ssl_key",
    );
    expect(problem(warehouse("  ssl: true\n  ssl_key: pslink.key\n"))).toContain(
      "  - warehouse.ssl_key: is given without its certificate: set ssl_cert",
    );
    expect(problem(warehouse("  ssl: true\n  ssl_key_password: ${PG_KEY_PASSWORD}\n"))).toContain(
      "  - warehouse.ssl_key_password: is given without a key",
    );
    expect(problem(warehouse("  ssl_cert: pslink.crt\n  ssl_key: pslink.key\n"))).toContain(
      "  - warehouse.ssl_cert: is given but the connection is not encrypted, and a certificate is sent only over TLS",
    );
    expect(problem(warehouse(pair, "?sslcert=other.crt&sslkey=pslink.key"))).toContain(
      "  - warehouse.ssl_cert: the url's sslcert names another file: keep one of them",
    );
    // The key's passphrase is a secret: never in the url, never written out.
    expect(problem(warehouse(pair, "?sslpassword=x"))).toContain(
      "  - warehouse.url: sslpassword: write the key's passphrase as warehouse.ssl_key_password: ${PG_KEY_PASSWORD}",
    );
    const literal = problem(warehouse(`${pair}  ssl_key_password: Open-Sesame-12\n`));
    expect(literal).toContain("warehouse.ssl_key_password");
    expect(literal).not.toContain("Open-Sesame-12");
  });

  it("lists the allowed keys when no allowed key is near an unknown one", () => {
    const message = problems("version: 1\nwarehouse:\n  kind: duckdb\n  colour: blue\n");
    expect(message).toMatch(/warehouse: unknown key\(s\) "colour"; allowed: .*\bpath\b/);
    expect(message).not.toContain("did you mean");
  });

  it("explains bad values: durations, URLs, enums, versions", () => {
    const message = problems(
      [
        "version: 2",
        "warehouse: { kind: sqlite }",
        "sources:",
        "  kantata:",
        "    base_url: api.mavenlink.com",
        '    auth: { kind: bearer, token: "${KANTATA_TOKEN}" }',
        "    http: { timeout: 10 minutes }",
      ].join("\n"),
      { KANTATA_TOKEN: "t0ken-value" },
    );
    expect(message).toContain("version: write version: 1");
    expect(message).toContain('warehouse.kind must be "duckdb"');
    expect(message).toContain("sources.kantata.base_url: write an absolute http(s) URL");
    expect(message).toContain('sources.kantata.http.timeout: "10 minutes" is not a duration');

    const salesforce = (version: string) =>
      problems(
        [
          "version: 1",
          "sources:",
          "  salesforce:",
          "    base_url: https://example.my.salesforce.com",
          `    api_version: ${version}`,
          '    auth: { kind: oauth2_client_credentials, client_id: x, client_secret: "${S}" }',
        ].join("\n"),
        { S: "sf-secret-value" },
      );
    expect(salesforce("v29.0")).toContain(
      "sources.salesforce.api_version: Salesforce retired API versions v21.0 to v30.0 in Summer '25: write v31.0 or newer (unset, it is v60.0)",
    );
    expect(salesforce("v60")).toContain(
      "sources.salesforce.api_version: write the API version like v60.0",
    );
  });

  it("refuses the vendors' web addresses copied from a browser, naming the API's own", () => {
    const env = {
      S: "secret-value-1",
      K: NETSUITE_KEY,
    };
    const yamlFor = (system: string, url: string) => {
      const auth = {
        salesforce: '{ kind: oauth2_client_credentials, client_id: x, client_secret: "${S}" }',
        netsuite: '{ kind: oauth2_jwt, client_id: x, certificate_id: c, private_key: "${K}" }',
        kantata: '{ kind: bearer, token: "${S}" }',
        workday: '{ kind: basic, username: ISU@acme, password: "${S}" }\n    tenant: acme',
      }[system];
      return [
        "version: 1",
        "sources:",
        `  ${system}:`,
        `    base_url: ${url}`,
        `    auth: ${auth}`,
      ].join("\n");
    };
    const source = (system: string, url: string) => problems(yamlFor(system, url), env);
    expect(
      source("salesforce", "https://acme--uat.sandbox.lightning.force.com/lightning/page/home"),
    ).toContain(
      "sources.salesforce.base_url: https://acme--uat.sandbox.lightning.force.com is the org's Lightning web address, not its API: write its My Domain, https://acme--uat.sandbox.my.salesforce.com",
    );
    expect(source("salesforce", "https://login.salesforce.com")).toContain(
      "sources.salesforce.base_url: login.salesforce.com is where people sign in, and it serves no client-credentials token: write the org's My Domain",
    );
    expect(source("netsuite", "https://1234567-sb1.app.netsuite.com/app/center/card.nl")).toContain(
      "sources.netsuite.base_url: https://1234567-sb1.app.netsuite.com is NetSuite's web application, not its REST web services: write https://1234567-sb1.suitetalk.api.netsuite.com",
    );
    expect(source("netsuite", "https://1234567_SB1.suitetalk.api.netsuite.com")).toContain(
      'sources.netsuite.base_url: NetSuite\'s hosts write the account id with "-" for "_": write https://1234567-sb1.suitetalk.api.netsuite.com',
    );
    expect(source("netsuite", "https://1234567.restlets.api.netsuite.com")).toContain(
      "is NetSuite's RESTlet address, not its REST web services: write https://1234567.suitetalk.api.netsuite.com",
    );
    expect(source("kantata", "https://acme.mavenlink.com")).toContain(
      "sources.kantata.base_url: https://acme.mavenlink.com is Kantata's web application, not its API: write https://api.mavenlink.com/api/v1",
    );
    expect(source("kantata", "https://api.mavenlink.com")).toContain(
      "sources.kantata.base_url: Kantata's API is under /api/v1: write https://api.mavenlink.com/api/v1",
    );
    expect(source("workday", "https://wd5.myworkday.com/acme/d/home.htmld")).toContain(
      "sources.workday.base_url: https://wd5.myworkday.com is Workday's web application, not its web services: write the tenant's services address",
    );
    // A whole call's URL pasted: its path is what pslink adds.
    expect(
      source("salesforce", "https://acme.my.salesforce.com/services/data/v60.0/query?q=SELECT+Id"),
    ).toContain(
      "sources.salesforce.base_url: https://acme.my.salesforce.com/services/data/v60.0/query holds the API's own path (/services/data/v60.0/query), which pslink adds to every request: write https://acme.my.salesforce.com",
    );
    expect(
      source(
        "netsuite",
        "https://1234567.suitetalk.api.netsuite.com/services/rest/query/v1/suiteql",
      ),
    ).toContain(
      "which pslink adds to every request: write https://1234567.suitetalk.api.netsuite.com",
    );
    expect(
      source("kantata", "https://gateway.acme.example/kantata/api/v1/time_entries.json"),
    ).toContain(
      "holds the API's own path (/time_entries.json), which pslink adds to every request: write https://gateway.acme.example/kantata/api/v1",
    );
    expect(
      source(
        "workday",
        "https://wd2-impl-services1.workday.com/ccx/service/customreport2/acme/ISU/Workers",
      ),
    ).toContain("which pslink adds to every request: write https://wd2-impl-services1.workday.com");
    // The APIs' own addresses pass, and a gateway's path prefix.
    for (const [system, url] of [
      ["salesforce", "https://acme--uat.sandbox.my.salesforce.com"],
      ["netsuite", "https://1234567-sb1.suitetalk.api.netsuite.com"],
      ["kantata", "https://api.mavenlink.com/api/v1/"],
      ["workday", "https://wd2-impl-services1.workday.com"],
      ["salesforce", "https://gateway.acme.example/salesforce"],
      ["kantata", "https://gateway.acme.example/kantata/api/v1"],
    ] as const)
      expect(parse(yamlFor(system, url), env).sources[system]?.base_url).toBe(
        url.replace(/\/$/, ""),
      );
  });

  it("refuses a Kantata token written with its 'Bearer ' prefix, never echoing it", () => {
    const message = problems(
      ["version: 1", "sources:", "  kantata:", '    auth: { kind: bearer, token: "${K}" }'].join(
        "\n",
      ),
      { K: "Bearer kt-4f1c9a" },
    );
    expect(message).toContain(
      "sources.kantata.auth.token: the token's variable holds 'Bearer ' before the token: set it to the token alone (pslink adds 'Bearer ' itself)",
    );
    expect(message).not.toContain("kt-4f1c9a");
  });

  it("refuses literal secrets and names the variable to export", () => {
    const literal = problems(
      "version: 1\nsources:\n  kantata:\n    auth: { kind: bearer, token: abc123secret }\n",
    );
    expect(literal).toContain(
      "sources.kantata.auth.token: secrets are read from the environment only",
    );
    expect(literal).not.toContain("abc123secret");

    const missing = problems(
      "version: 1\nsources:\n  kantata:\n    auth:\n      kind: bearer\n      token: ${KANTATA_TOKEN}\n",
    );
    expect(missing).toContain("environment variable KANTATA_TOKEN is not set");

    const unquoted = problems(
      "version: 1\nsources:\n  kantata:\n    auth: { kind: bearer, token: ${KANTATA_TOKEN} }\n",
    );
    expect(unquoted).toContain('quote ${VAR} references ("${VAR}")');
  });

  it("refuses a DuckDB file named like one of pslink's schemas", () => {
    expect(
      problems("version: 1\nwarehouse: { kind: duckdb, path: data/pslink.duckdb }\n"),
    ).toContain("warehouse.path: DuckDB names the database after the file");
    expect(
      parse("version: 1\nwarehouse: { kind: duckdb, path: data/acme.duckdb }\n").warehouse,
    ).toMatchObject({
      path: "data/acme.duckdb",
    });
  });

  it("reports YAML syntax errors with their position", () => {
    expect(problems("version: 1\nsources: [\n")).toMatch(/not valid YAML.*line/s);
  });

  it("never prints a secret: not in inspect, JSON, errors or masked text", () => {
    const config = loadConfig("examples/pslink.example.yml", EXAMPLE_ENV);
    const everything = [
      inspect(config, { depth: 10 }),
      JSON.stringify(config),
      String(config.sources.workday?.auth.kind === "basic" && config.sources.workday.auth.password),
      describeError(
        new PslinkError("fatal", `login failed for ${EXAMPLE_ENV.WORKDAY_ISU_PASSWORD}`, {
          hint: `token ${EXAMPLE_ENV.KANTATA_TOKEN} rejected`,
        }),
      ),
    ].join("\n");
    for (const name of [
      "SALESFORCE_CLIENT_SECRET",
      "KANTATA_TOKEN",
      "WORKDAY_ISU_PASSWORD",
    ] as const) {
      expect(everything).not.toContain(EXAMPLE_ENV[name]);
    }
    expect(everything).toContain("***");
  });
});

describe("pslink config check", () => {
  it("validates a config with a .env beside it and exits 0", () => {
    const dir = mkdtempSync(join(tmpdir(), "pslink-config-"));
    writeFileSync(join(dir, "pslink.yml"), readFileSync("examples/pslink.example.yml", "utf8"));
    writeFileSync(
      join(dir, ".env"),
      Object.entries(EXAMPLE_ENV)
        .map(([key, value]) => `${key}="${value.replaceAll("\n", "\\n")}"`)
        .join("\n"),
    );
    const result = spawnSync(
      "node",
      ["bin/pslink.js", "config", "check", "-c", join(dir, "pslink.yml")],
      {
        encoding: "utf8",
      },
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`warehouse: duckdb ${join(dir, "warehouse/acme.duckdb")}`);
    expect(result.stdout).toContain("sources:   salesforce, netsuite, kantata, workday");
    expect(result.stdout).toContain(
      "stewards:  fiona (project_execution, customer_master); harry (worker)",
    );
    expect(result.stdout).toContain('nightly: "0 2 * * *" UTC, sync(full) → build → test → plan');
  });

  it("says what a wrong-type value is, never echoing a secret's, and reports an anchor's problem once", () => {
    const message = problems(
      [
        "version: 1",
        "warehouse: { kind: postgres, password: 98765432123 }",
        "sources:",
        "  salesforce:",
        "    base_url: https://acme.my.salesforce.com",
        "    auth: { kind: oauth2_client_credentials, client_id: x, client_secret: '${SF_SECRET}' }",
        "    http: &http",
        "      requests_per_second: fast",
        "    streams: [Account]",
        "  kantata:",
        "    base_url: https://api.mavenlink.com/api/v1",
        "    auth: { kind: bearer, token: '${KANTATA_TOKEN}' }",
        "    http: *http",
        "    streams:",
        "      time_entries: { enabled: 'no' }",
      ].join("\n"),
      { SF_SECRET: "s", KANTATA_TOKEN: "t" },
    );
    expect(message).toContain(
      "sources.salesforce.http.requests_per_second, sources.kantata.http.requests_per_second: expected a number, got string 'fast'",
    );
    expect(message).toContain("sources.salesforce.streams: expected a mapping, got a list");
    expect(message).toContain(
      "sources.kantata.streams.time_entries.enabled: expected true or false, got string 'no'",
    );
    expect(message).toContain("warehouse.password: expected text, got a number");
    expect(message).not.toContain("98765432123");
    expect(message).not.toContain("missing");
    expect(message).toContain("has 4 problem(s)");
  });

  it("masks an inline secret in the line a YAML syntax error quotes", () => {
    const message = problems(
      "version: 1\nwarehouse:\n  kind: postgres\n  password: hunter2: [oops\n",
    );
    expect(message).toContain("not valid YAML");
    expect(message).not.toContain("hunter2");
  });

  it("lets the .env file fill a variable exported empty", () => {
    const dir = mkdtempSync(join(tmpdir(), "pslink-config-"));
    writeFileSync(
      join(dir, "pslink.yml"),
      "version: 1\nwarehouse: { kind: postgres, url: '${PG_URL}' }\n",
    );
    writeFileSync(join(dir, ".env"), "PG_URL=postgres://u:p@db/x\n");
    const config = loadConfig(join(dir, "pslink.yml"), configEnv(dir, { PG_URL: "" }));
    expect(config.warehouse.kind === "postgres" && config.warehouse.url?.reveal()).toBe(
      "postgres://u:p@db/x",
    );
    // A non-empty exported value still wins over the file.
    const exported = loadConfig(
      join(dir, "pslink.yml"),
      configEnv(dir, { PG_URL: "postgres://e" }),
    );
    expect(exported.warehouse.kind === "postgres" && exported.warehouse.url?.reveal()).toBe(
      "postgres://e",
    );
  });

  it("refuses a .env value a glued # would cut, saying to quote it and never showing it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pslink-config-"));
    writeFileSync(
      join(dir, "pslink.yml"),
      "version: 1\nwarehouse: { kind: postgres, host: db, database: d, user: u, password: '${PG_PASSWORD}' }\nsources:\n  kantata: { base_url: 'https://api.mavenlink.com/api/v1', auth: { kind: bearer, token: '${KT}' } }\n",
    );
    writeFileSync(join(dir, ".env"), "PG_PASSWORD=Ab@cd/ef#gh\nKT=k # the sandbox's token\n");
    const check = await runCli(["-c", join(dir, "pslink.yml"), "config", "check"]);
    expect(check.code).toBe(2);
    expect(check.stderr).toContain(
      `${join(dir, ".env")}: the value of PG_PASSWORD holds a # without quotes, and a .env file reads everything from that # on as a comment, so only what is before it would be used`,
    );
    expect(check.stderr).toContain('fix: quote the value: PG_PASSWORD="…"');
    expect(check.stderr).not.toMatch(/Ab@cd|ef#gh/);

    // Quoted, it is read whole; a # after a space stays a comment.
    writeFileSync(join(dir, ".env"), 'PG_PASSWORD="Ab@cd/ef#gh"\nKT=k # the sandbox\'s token\n');
    const config = loadConfig(join(dir, "pslink.yml"), configEnv(dir, {}));
    expect(config.warehouse.kind === "postgres" && config.warehouse.password?.reveal()).toBe(
      "Ab@cd/ef#gh",
    );
    expect(config.sources.kantata?.auth.token.reveal()).toBe("k");
  });

  it("names the file expected when the config path is a folder", () => {
    const dir = mkdtempSync(join(tmpdir(), "pslink-config-"));
    expect(() => loadConfig(dir)).toThrow(/is a directory, not a file/);
    try {
      loadConfig(dir);
    } catch (error) {
      expect(describeError(error)).toContain(`--config ${join(dir, "pslink.yml")}`);
    }
  });

  it("exits 2 with every problem listed and no secret echoed", () => {
    const dir = mkdtempSync(join(tmpdir(), "pslink-config-"));
    writeFileSync(
      join(dir, "pslink.yml"),
      "version: 1\nwarehouse: { kind: postgres, url: postgres://u:hunter2pass@db/x }\n",
    );
    const result = spawnSync(
      "node",
      ["bin/pslink.js", "config", "check", "-c", join(dir, "pslink.yml")],
      {
        encoding: "utf8",
      },
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("warehouse.url: the password is written out in the url");
    expect(result.stderr).not.toContain("hunter2pass");
  });
});

describe("schedules and daylight saving time", () => {
  it("config check names the day a schedule has no run, its times being skipped by the clocks", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pslink-config-"));
    writeFileSync(
      join(dir, "pslink.yml"),
      [
        "version: 1",
        "sources:",
        '  kantata: { auth: { kind: bearer, token: "${KANTATA_TOKEN}" } }',
        "schedules:",
        "  timezone: America/New_York",
        "  jobs:",
        "    nightly: { cron: '30 2 * * *', steps: [build] }",
        "    hourly: { cron: '5 * * * *', steps: [build] }",
        "    utc: { cron: '30 2 * * *', timezone: UTC, steps: [build] }",
      ].join("\n"),
    );
    const check = await runCli(["-c", join(dir, "pslink.yml"), "config", "check"], {
      KANTATA_TOKEN: "kt-9b2e",
    });
    expect(check.code, check.stderr).toBe(0);
    // The second Sunday of March, within a year of whenever the test runs.
    expect(check.stdout).toMatch(
      /\n {4}nightly: "30 2 \* \* \*" America\/New_York, build\n {6}no run on \d{4}-03-(0[89]|1[0-4]): 02:30 is in the time America\/New_York's clocks skip that day \(02:00 to 03:00\); move it out of that hour, or set its timezone to UTC\n/,
    );
    // An hourly job keeps that day's other runs; UTC has no such day.
    expect(check.stdout.match(/no run on/g), check.stdout + check.stderr).toHaveLength(1);
  });
});

describe("schedule steps", () => {
  it("config check names a misspelt step or option where it is written, with the one meant", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pslink-config-"));
    writeFileSync(
      join(dir, "pslink.yml"),
      [
        "version: 1",
        "schedules:",
        "  jobs:",
        "    nightly:",
        "      cron: '0 2 * * *'",
        "      steps:",
        "        - snyc: { full_refresh: true }",
        "        - biuld",
        "        - sync: { full_refrsh: true }",
        "        - build: { full_refresh: 'yes' }",
        "        - plan: { dry: true }",
        "        - { sync: {}, build: {} }",
        "        - { kind: tset }",
        "        - sync: full_refresh",
      ].join("\n"),
    );
    const check = await runCli(["-c", join(dir, "pslink.yml"), "config", "check"]);
    expect(check.code).toBe(2);
    const steps = "schedules.jobs.nightly.steps";
    for (const line of [
      `${steps}.0: a step is one of sync, build, test, plan, apply; got 'snyc'; did you mean "sync"?`,
      `${steps}.1: a step is one of sync, build, test, plan, apply; got 'biuld'; did you mean "build"?`,
      `${steps}.2.sync: unknown key(s) "full_refrsh"; did you mean "full_refresh"?`,
      `${steps}.3.build.full_refresh: expected true or false, got string 'yes'`,
      `${steps}.4.plan: unknown key(s) "dry": plan takes no options, write it as a bare name (- plan)`,
      `${steps}.5: a step is one name or one name with its options ({ sync: { full_refresh: true } }); this mapping has 2 keys (sync, build): write each step as an item of its own`,
      `${steps}.6.kind: a step is one of sync, build, test, plan, apply; got 'tset'; did you mean "test"?`,
      `${steps}.7.sync: a step's options are a mapping, e.g. sync: { full_refresh: true }; got "full_refresh"`,
    ])
      expect(check.stderr).toContain(`  - ${line}\n`);
    expect(check.stderr).toContain("has 8 problem(s)");
    expect(check.stderr).not.toMatch(/missing|\.kind: a step is one of .* got 'snyc'/);
  });

  it("refuses a duration without a unit, and one of zero or less where a length is needed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pslink-config-"));
    writeFileSync(
      join(dir, "pslink.yml"),
      [
        "version: 1",
        "sources:",
        "  kantata:",
        "    base_url: https://api.mavenlink.com/api/v1",
        "    auth: { kind: bearer, token: '${KT}' }",
        "    http: { timeout: -5, connect_timeout: 0s, backoff_base: '-2s', backoff_max: 45 }",
        "    streams: { users: { lookback: 15 } }",
        "  workday:",
        "    base_url: https://wd2-impl-services1.workday.com",
        "    tenant: acme",
        "    report: { owner: ISU, name: Workers, window: 30 }",
        "    auth: { kind: basic, username: isu@acme, password: '${WP}' }",
      ].join("\n"),
    );
    const check = await runCli(["-c", join(dir, "pslink.yml"), "config", "check"], {
      KT: "k",
      WP: "p",
    });
    expect(check.code).toBe(2);
    for (const line of [
      "sources.kantata.http.timeout: -5 has no unit: write a length of time with one, e.g. 30s or 30d (units: ms, s, m, h, d)",
      'sources.kantata.http.connect_timeout: "0s" is not a length of time: write one longer than 0, e.g. 30s',
      'sources.kantata.http.backoff_base: "-2s" is not a length of time: write one longer than 0, e.g. 30s',
      "sources.kantata.http.backoff_max: 45 has no unit: write a length of time with one, e.g. 45s or 45d",
      "sources.kantata.streams.users.lookback: 15 has no unit: write a length of time with one, e.g. 15s or 15d",
      "sources.workday.report.window: 30 has no unit: write a length of time with one, e.g. 30s or 30d",
    ])
      expect(check.stderr).toContain(`  - ${line}`);
    expect(check.stderr).toContain("has 6 problem(s)");

    // Zero is a length where it means "none": no lookback, a key scan every run.
    const config = parse(
      [
        "version: 1",
        "sources:",
        "  kantata:",
        "    base_url: https://api.mavenlink.com/api/v1",
        "    auth: { kind: bearer, token: '${KT}' }",
        "    streams: { users: { lookback: 0s, delete_scan_every: 0m } }",
      ].join("\n"),
      { KT: "k" },
    );
    expect(config.sources.kantata?.streams.users).toMatchObject({
      lookback: 0,
      delete_scan_every: 0,
    });
  });

  it("suggests the kind meant for a misspelt warehouse kind, and names a misspelt duration once", () => {
    expect(problems("version: 1\nwarehouse: { kind: ducdb }\n")).toContain(
      `warehouse.kind: warehouse.kind must be "duckdb" (the embedded default) or "postgres"; got 'ducdb'; did you mean "duckdb"?`,
    );
    const duration = problems(
      "version: 1\ngovernance:\n  windows:\n    kantata: { start: '0 9 * * *', duraton: 3h }\n",
    );
    expect(duration).toContain(
      'governance.windows.kantata: unknown key(s) "duraton"; did you mean "duration"?',
    );
    expect(duration).toContain("has 1 problem(s)");
    expect(duration).not.toContain("Invalid input");
  });
});

describe("write windows", () => {
  it("config check lists each target's window: its start, time zone and how long it stays open", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pslink-config-"));
    writeFileSync(
      join(dir, "pslink.yml"),
      [
        "version: 1",
        "sources:",
        "  kantata: { base_url: 'https://api.mavenlink.com/api/v1', auth: { kind: bearer, token: '${KT}' } }",
        "governance:",
        "  windows:",
        "    netsuite: { start: '0 22 * * 1-5', duration: 4h, timezone: America/New_York }",
        "    kantata: { start: '30 9,17 * * *', duration: 90m }",
      ].join("\n"),
    );
    const check = await runCli(["-c", join(dir, "pslink.yml"), "config", "check"], { KT: "k" });
    expect(check.stderr).toBe("");
    expect(check.code).toBe(0);
    expect(check.stdout).toContain(
      [
        "  windows:",
        '    salesforce: "0 22 * * *" UTC for 6h',
        '    netsuite:   "0 22 * * 1-5" America/New_York for 4h',
        '    kantata:    "30 9,17 * * *" UTC for 90m',
        "  schedules:",
      ].join("\n"),
    );
  });

  it("refuses a window that would never close: longer than the time between two of its starts", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pslink-config-"));
    writeFileSync(
      join(dir, "pslink.yml"),
      [
        "version: 1",
        "sources:",
        "  kantata: { base_url: 'https://api.mavenlink.com/api/v1', auth: { kind: bearer, token: '${KT}' } }",
        "governance:",
        "  windows:",
        "    netsuite: { start: '0 22 * * *', duration: 30h }",
        "    kantata: { start: '0 9,17 * * *', duration: 9h }",
        "    salesforce: { start: '0 22 * * *', duration: 0s }",
      ].join("\n"),
    );
    const check = await runCli(["-c", join(dir, "pslink.yml"), "config", "check"], { KT: "k" });
    expect(check.code).toBe(2);
    expect(check.stdout).toBe("");
    for (const line of [
      'governance.windows.netsuite.duration: 30h is longer than the 24h between two starts of "0 22 * * *", so the window would never close: write at most 24h, or a start that fires less often',
      'governance.windows.kantata.duration: 9h is longer than the 8h between two starts of "0 9,17 * * *"',
      "governance.windows.salesforce.duration: must be longer than 0 (a window open for 0ms never opens)",
    ])
      expect(check.stderr).toContain(`  - ${line}`);
    // A window as long as the gap is open all the time those days; weekend gaps are longer.
    const config = parse(
      "version: 1\ngovernance:\n  windows:\n    netsuite: { start: '0 0 * * 1-5', duration: 24h }\n",
    );
    expect(config.governance.windows.netsuite.duration).toBe(24 * 3_600_000);
  });
});

describe("pslink --version", () => {
  it("prints the package's version and exits 0", () => {
    const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
    for (const flag of ["--version", "-V"]) {
      const result = spawnSync("node", ["bin/pslink.js", flag], { encoding: "utf8" });
      expect(result.status).toBe(0);
      expect(result.stdout).toBe(`${version}\n`);
    }
  });
});
