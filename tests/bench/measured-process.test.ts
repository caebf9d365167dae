import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { processCpuMs, runMeasured } from "../../bench/measured-process.js";

/** Burns `ms` of its own CPU time, then prints what `process.cpuUsage()` counted (µs). */
const burn = (ms: number) =>
  `const stop = ${ms * 1000}; let n = 0;
   while (process.cpuUsage().user < stop) n += Math.sqrt(n);
   const used = process.cpuUsage(); console.log(used.user + used.system);`;

describe("bench: a measured process", () => {
  it("reports the child's CPU time, as the child itself counted it", async () => {
    const run = await runMeasured(process.execPath, ["-e", burn(300)], { cwd: process.cwd() });
    expect(run.exitCode).toBe(0);
    const selfCounted = Number(run.stdout.trim()) / 1000;
    expect(selfCounted).toBeGreaterThanOrEqual(300);
    // Clock ticks are 10 ms; Node's start-up and exit add to the child's own count.
    expect(run.cpuMs).toBeGreaterThanOrEqual(selfCounted - 20);
    expect(run.cpuMs).toBeLessThan(selfCounted + 2000);
    expect(run.peakRssMiB).toBeGreaterThan(0);
  });

  it("reads a running process's CPU time so far, and 0 once it is gone", async () => {
    const child = spawn(process.execPath, ["-e", `${burn(200)} setInterval(() => {}, 1000);`], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    const pid = child.pid as number;
    const printed = await new Promise<string>((resolve) =>
      child.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString())),
    );
    expect(processCpuMs(pid)).toBeGreaterThanOrEqual(Number(printed) / 1000 - 20);
    await new Promise((done) => {
      child.once("exit", done);
      child.kill();
    });
    expect(processCpuMs(pid)).toBe(0);
  });
});
