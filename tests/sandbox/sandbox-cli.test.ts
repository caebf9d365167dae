import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { importPKCS8, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configEnv, loadConfig, type PslinkConfig } from "../../core/config/index.js";
import { ensureBuiltCli } from "../extract/support/built-cli.js";
import { fetchJson } from "./sandbox-api-helpers.js";

const ROOT = resolve(import.meta.dirname, "../..");
let child: ChildProcess;
let dir: string;
let lines: string[] = [];
let stderr = "";

/** Starts `pslink sandbox start` and resolves with its stdout lines once all four URLs are out. */
function startCli(args: string[]): Promise<string[]> {
  child = spawn("node", ["bin/pslink.js", "sandbox", "start", ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((done, fail) => {
    let stdout = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const complete = stdout.split("\n").filter((line) => line !== "");
      if (complete.length >= 4 && stdout.endsWith("\n")) done(complete);
    });
    child.once("exit", (code) => fail(new Error(`sandbox exited early (${code}): ${stderr}`)));
  });
}

beforeAll(async () => {
  await ensureBuiltCli();
  dir = mkdtempSync(join(tmpdir(), "pslink-sandbox-cli-"));
  lines = await startCli(["--size", "small", "--seed", "3", "--write-config", dir]);
});

afterAll(() => {
  if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

describe("pslink sandbox start", () => {
  it("prints exactly one `<system> <url>` line per system on stdout, and logs on stderr", async () => {
    expect(lines.map((line) => line.split(" ")[0])).toEqual([
      "salesforce",
      "netsuite",
      "kantata",
      "workday",
    ]);
    for (const line of lines) expect(line).toMatch(/^\w+ http:\/\/127\.0\.0\.1:\d+$/);
    // stdout and stderr are separate pipes: the log line may trail the URL lines a little.
    for (let wait = 0; wait < 50 && !stderr.includes("sandbox ready"); wait += 1) await sleep(100);
    expect(stderr).toContain("sandbox ready");
  });

  it("writes a pslink.yml that loadConfig accepts, with every secret in .env", async () => {
    const config: PslinkConfig = loadConfig(join(dir, "pslink.yml"), configEnv(dir, {}));
    const urls = Object.fromEntries(lines.map((line) => line.split(" ") as [string, string]));
    expect(config.warehouse).toMatchObject({ kind: "duckdb", path: "warehouse.duckdb" });
    expect(config.sources.salesforce?.base_url).toBe(urls.salesforce);
    expect(config.sources.netsuite?.auth.kind).toBe("oauth2_jwt");
    expect(config.sources.kantata?.base_url).toBe(`${urls.kantata}/api/v1`);
    expect(config.sources.workday?.report).toMatchObject({
      owner: "ISU_PSLINK",
      name: "PSLINK_Workers",
    });
    const yaml = readFileSync(join(dir, "pslink.yml"), "utf8");
    expect(yaml).not.toContain("PRIVATE KEY");
    expect(yaml).toMatch(/token: \$\{PSLINK_SANDBOX_KANTATA_TOKEN\}/);
    // Each source's settings are written out in full, for a reader to edit one alone.
    expect(yaml).not.toMatch(/[&*]a\d/);
    expect(statSync(join(dir, ".env")).mode & 0o077).toBe(0);
  });

  it("the written credentials work against every server", async () => {
    const config = loadConfig(join(dir, "pslink.yml"), configEnv(dir, {}));
    const { salesforce, netsuite, kantata, workday } = config.sources;
    if (!salesforce || !netsuite || !kantata || !workday) throw new Error("a source is missing");
    const sf = await fetchJson(`${salesforce.base_url}/services/oauth2/token`, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: salesforce.auth.client_id,
        client_secret: salesforce.auth.client_secret.reveal(),
      }),
    });
    expect(sf.status).toBe(200);
    if (netsuite.auth.kind !== "oauth2_jwt") throw new Error("expected oauth2_jwt");
    const tokenUrl = `${netsuite.base_url}/services/rest/auth/oauth2/v1/token`;
    const key = await importPKCS8(netsuite.auth.private_key.reveal(), "PS256");
    const assertion = await new SignJWT({ scope: netsuite.auth.scope })
      .setProtectedHeader({ alg: "PS256", kid: netsuite.auth.certificate_id })
      .setIssuer(netsuite.auth.client_id)
      .setAudience(tokenUrl)
      .setIssuedAt()
      .setExpirationTime("30m")
      .sign(key);
    const ns = await fetchJson(tokenUrl, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        client_assertion: assertion,
      }),
    });
    expect(ns.status).toBe(200);
    const ko = await fetchJson(`${kantata.base_url}/users.json`, {
      headers: { authorization: `Bearer ${kantata.auth.token.reveal()}` },
    });
    expect(ko.status).toBe(200);
    if (workday.auth.kind !== "basic") throw new Error("expected basic auth");
    const basic = Buffer.from(
      `${workday.auth.username}:${workday.auth.password.reveal()}`,
    ).toString("base64");
    const wd = await fetchJson(
      `${workday.base_url}/ccx/service/customreport2/${workday.tenant}/${workday.report?.owner}/${workday.report?.name}?format=json`,
      { headers: { authorization: `Basic ${basic}` } },
    );
    expect(wd.status).toBe(200);
  });

  it("writes ground-truth.json equal to the manifest the admin API serves", async () => {
    const written = JSON.parse(readFileSync(join(dir, "ground-truth.json"), "utf8")) as unknown;
    const served = await fetchJson(`${lines[0]?.split(" ")[1]}/__sandbox/ground-truth`);
    expect(served.body).toEqual(written);
    expect(written).toMatchObject({ seed: 3, size: "small" });
  });

  it("closes cleanly on SIGTERM", async () => {
    const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(stderr).toContain("sandbox stopped");
  });
});

describe("pslink sandbox start --write-config into a project's folder", () => {
  it("refuses to write over a pslink.yml or .env it did not write, before starting", () => {
    const project = mkdtempSync(join(tmpdir(), "pslink-sandbox-project-"));
    try {
      const own = {
        "pslink.yml": "version: 1\n# the project's own\n",
        ".env": "ERP_TOKEN=secret\n",
      };
      for (const [name, text] of Object.entries(own)) {
        writeFileSync(join(project, name), text);
        const result = spawnSync(
          "node",
          ["bin/pslink.js", "sandbox", "start", "--size", "small", "--write-config", project],
          { cwd: ROOT, encoding: "utf8", timeout: 60_000 },
        );
        expect(result.status, result.stderr).toBe(2);
        expect(result.stderr).toContain(
          `${join(project, name)} was not written by the sandbox: it will not write over it`,
        );
        expect(result.stdout).toBe("");
        expect(readFileSync(join(project, name), "utf8")).toBe(text);
        rmSync(join(project, name));
      }
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});
