import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readAudit } from "../../reverse-etl/audit-log.js";
import { decideItems } from "../../reverse-etl/decide-items.js";
import { loadItems } from "../../reverse-etl/plan-store.js";
import { planWritebacks } from "../../reverse-etl/plan-writebacks.js";
import { ALWAYS_OPEN, governedSandbox } from "./support/governed-sandbox.js";
import {
  accountNameProposals,
  deactivationProposals,
  insertProposals,
  timeBillProposals,
} from "./support/test-proposals.js";

const VITE_NODE = fileURLToPath(
  new URL("../../node_modules/vite-node/vite-node.mjs", import.meta.url),
);
const CLI = fileURLToPath(new URL("./support/cli-entry.ts", import.meta.url));

/** Runs `pslink apply` in a child process; `crash` arms the SIGKILL hook. */
function runApply(
  configPath: string,
  crash?: string,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, PSLINK_LOG_LEVEL: "warn" };
    if (crash) env.PSLINK_APPLY_CRASH = crash;
    else delete env.PSLINK_APPLY_CRASH;
    const child = spawn(process.execPath, [VITE_NODE, CLI, "--", "apply", "--config", configPath], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve({ code, signal, output }));
  });
}

describe.each(["duckdb", "postgres"] as const)("crash recovery on %s", (kind) => {
  it("a SIGKILLed `pslink apply`, rerun, writes every approved item exactly once", async () => {
    const gs = await governedSandbox(kind, { window: ALWAYS_OPEN });
    try {
      await gs.sync();
      const bills = await timeBillProposals(gs, "R01");
      await insertProposals(gs.warehouse, "test_crash", [
        ...bills,
        ...deactivationProposals(gs),
        ...accountNameProposals(gs),
      ]);
      const plan = await planWritebacks({ warehouse: gs.warehouse, config: gs.config });
      const planId = plan.planId as string;
      const items = await loadItems(gs.warehouse, { planId });
      for (const [steward, domains] of [
        ["fiona", ["project_execution", "customer_master"]],
        ["harry", ["worker"]],
      ] as const) {
        const keys = items
          .filter((item) => (domains as readonly string[]).includes(item.domain))
          .map((item) => item.item_key);
        await decideItems({
          warehouse: gs.warehouse,
          config: gs.config,
          planId,
          decision: "approve",
          steward,
          reason: "ok",
          itemKeys: keys,
        });
      }
      await gs.release();

      // Killed after NetSuite answered the 2nd time bill, before the outcome was committed.
      const first = await runApply(gs.configPath, "after_call:2");
      expect(first.signal, first.output).toBe("SIGKILL");
      // Killed after a write-ahead marker committed, before its call went out.
      const second = await runApply(gs.configPath, "after_marker:2");
      expect(second.signal, second.output).toBe("SIGKILL");
      const last = await runApply(gs.configPath);
      expect(last.code, last.output).toBe(0);

      await gs.reopen();
      const done = await loadItems(gs.warehouse, { planId });
      expect(done.map((item) => item.status)).toEqual(items.map(() => "applied"));
      const reconciled = await readAudit(gs.warehouse, { planId, action: "reconciled" });
      expect(reconciled.length).toBeGreaterThanOrEqual(1);

      // The write journal: each item landed exactly once.
      const applied = gs.sandbox.writes.entries().filter((entry) => entry.applied);
      const posts = applied.filter((entry) => entry.path.endsWith("/record/v1/timeBill"));
      expect(posts).toHaveLength(bills.length);
      const timebills = [...gs.sandbox.world.collection("netsuite", "timebill").scanByKey()];
      for (const bill of bills)
        expect(timebills.filter((tb) => tb.externalid === bill.fields.externalId)).toHaveLength(1);
      for (const item of done.filter((i) => i.target_system === "kantata")) {
        expect(
          applied.filter((entry) => entry.path === `/api/v1/users/${item.target_id}.json`),
        ).toHaveLength(1);
      }
      const calls = await readAudit(gs.warehouse, { planId, action: "call" });
      expect(calls.filter((call) => Number(call.response?.status) < 300).length).toBe(
        applied.length,
      );
    } finally {
      await gs.close();
    }
  });
});
