import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";

/** What one measured child process did. */
export interface Measured {
  exitCode: number | null;
  wallMs: number;
  /** Peak resident set size of the child (VmHWM), in MiB. */
  peakRssMiB: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to completion, timing it and sampling its peak RSS from `/proc/<pid>/status`
 * (VmHWM only grows, so sampling every 50 ms misses at most the last instants of the run).
 */
export async function runMeasured(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<Measured> {
  const started = performance.now();
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    // Keep the tail only: sync logs a line per batch.
    stderr = (stderr + chunk).slice(-20_000);
  });
  let peakKb = 0;
  const sample = async () => {
    if (child.pid === undefined) return;
    const status = await readFile(`/proc/${child.pid}/status`, "utf8").catch(() => "");
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(status);
    if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
  };
  const timer = setInterval(() => void sample(), 50);
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => resolve(code));
  }).finally(() => clearInterval(timer));
  return {
    exitCode,
    wallMs: performance.now() - started,
    peakRssMiB: Math.round(peakKb / 1024),
    stdout,
    stderr,
  };
}

/** Fails with the child's stderr tail when it did not exit 0. */
export function expectSuccess(label: string, run: Measured): Measured {
  if (run.exitCode !== 0) {
    throw new Error(
      `${label} exited with ${run.exitCode}:\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}`,
    );
  }
  return run;
}
