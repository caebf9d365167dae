import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const BIN = join(import.meta.dirname, "../../bin/pslink.js");

/** `node bin/pslink.js …` in `cwd`, as a user runs it after `npm run build`. */
async function pslink(args: readonly string[], cwd: string) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...process.env, PSLINK_LOG_LEVEL: "warn" },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("pslink demo (the README's main job), small", () => {
  let cwd = "";
  afterAll(async () => {
    if (cwd) await rm(cwd, { recursive: true, force: true });
  });

  it("runs end to end, and every command it suggests afterwards works on what it left", async () => {
    cwd = await mkdtemp(join(tmpdir(), "pslink-demo-"));
    const demo = await pslink(["demo", "--size", "small"], cwd);
    expect(demo.code, demo.stderr.slice(-2000)).toBe(0);
    const [, applied, resolved, open] =
      /demo finished in [\d.]+s: (\d+) write-backs applied, (\d+) exceptions resolved, (\d+) still open/.exec(
        demo.stdout,
      ) ?? [];
    expect(Number(applied)).toBeGreaterThan(0);
    expect(Number(resolved)).toBeGreaterThan(0);

    const suggested = [...demo.stdout.matchAll(/^ {2}npx pslink (-c \S+ [^#]+?)\s+#/gm)].map(
      (match) => (match[1] ?? "").split(/\s+/),
    );
    expect(suggested.map((args) => args[2])).toEqual([
      "status",
      "reconcile",
      "plans",
      "audit",
      "runs",
    ]);
    const outputs = new Map<string, string>();
    for (const args of suggested) {
      const result = await pslink(args, cwd);
      expect(result.code, `${args.join(" ")}: ${result.stderr}`).toBe(0);
      outputs.set(args[2] ?? "", result.stdout);
    }
    // What they read is what the demo did: the exceptions still open, its plan, its writes.
    expect(outputs.get("reconcile")?.match(/^ {6}exception: [0-9a-f]{32}$/gm)?.length).toBe(
      Number(open),
    );
    // Each open exception the plan proposes to fix says so, with the item and its plan.
    expect(outputs.get("reconcile")).toMatch(
      /^ {6}write-back: salesforce Account update, item [0-9a-f]{24} proposed in plan plan-\S+$/m,
    );
    expect(outputs.get("plans")).toMatch(/^plan-\d{8}T\d{6}-[0-9a-f]+ /m);
    expect(outputs.get("audit")).toContain("demo-steward");
    expect(outputs.get("runs")?.match(/^\S+ +sync +demo +succeeded /gm)?.length).toBe(2);
    expect(outputs.get("status")).toMatch(
      new RegExp(`^exceptions +${open} open \\(.*; reconciled (just now|\\d+ min ago) `, "m"),
    );

    // A steward reading the plan is told how to decide (naming the one steward who may) and
    // how to look up the exception an item fixes; both commands work as printed.
    const config = suggested[0]?.[1] as string;
    const planId = /^(plan-\S+) /m.exec(outputs.get("plans") ?? "")?.[1] as string;
    const shown = await pslink(["-c", config, "plan", "show", planId], cwd);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(
      `decide: pslink approve --plan ${planId} --as demo-steward --reason "…" (or reject; --item KEY for single items)`,
    );
    const exceptionId = /an item's exception: pslink reconcile --exception ([0-9a-f]{32}) /.exec(
      shown.stdout,
    )?.[1] as string;
    const exception = await pslink(["-c", config, "reconcile", "--exception", exceptionId], cwd);
    expect(exception.code).toBe(0);
    expect(exception.stdout).toContain(`exception: ${exceptionId}`);
    const rejected = await pslink(
      ["-c", config, "reject", "--plan", planId, "--as", "demo-steward", "--reason", "checked"],
      cwd,
    );
    expect(rejected.code, rejected.stderr).toBe(0);
    const after = await pslink(["-c", config, "plan", "show", planId], cwd);
    expect(after.stdout).not.toContain("decide:");
  }, 180_000);

  it("starts afresh only in a folder it wrote, and never deletes a user's files", async () => {
    const folder = await mkdtemp(join(tmpdir(), "pslink-demo-dir-"));
    try {
      await writeFile(join(folder, "pslink.yml"), "version: 1\n");
      await writeFile(join(folder, "notes.txt"), "important\n");
      await mkdir(join(folder, "sub"));
      const refused = await pslink(["demo", "--dir", folder, "--size", "small"], folder);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(
        `${folder} holds files the demo did not write (notes.txt, sub): it will not delete them`,
      );
      expect((await readdir(folder)).sort()).toEqual(["notes.txt", "pslink.yml", "sub"]);
      expect(await readFile(join(folder, "pslink.yml"), "utf8")).toBe("version: 1\n");
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
