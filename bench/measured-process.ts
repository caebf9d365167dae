import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";

/** What one measured child process did. */
export interface Measured {
  exitCode: number | null;
  wallMs: number;
  /** CPU time (user + system) of the child and the children it waited for. */
  cpuMs: number;
  /** Peak resident set size of the child (VmHWM), in MiB. */
  peakRssMiB: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to completion, timing it and sampling its peak RSS from `/proc/<pid>/status`
 * (VmHWM only grows, so sampling every 50 ms misses at most the last instants of the run). Its
 * CPU time is what it adds to this process's reaped children's times, so measured runs must not
 * overlap (a long-running child, such as the sandbox, is not reaped while it runs).
 */
export async function runMeasured(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<Measured> {
  const reapedBefore = reapedChildrenCpuMs();
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
    cpuMs: reapedChildrenCpuMs() - reapedBefore,
    peakRssMiB: Math.round(peakKb / 1024),
    stdout,
    stderr,
  };
}

/** Fails with the child's stderr tail when it did not exit 0. */
export function expectSuccess<T extends Measured>(label: string, run: T): T {
  if (run.exitCode !== 0) {
    throw new Error(
      `${label} exited with ${run.exitCode}:\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}`,
    );
  }
  return run;
}

/** CPU time (user + system) a running process has used so far; 0 once it is gone. */
export function processCpuMs(pid: number): number {
  const times = statTimes(`/proc/${pid}/stat`);
  return times === undefined ? 0 : ticksToMs(times.utime + times.stime);
}

/** CPU time of this process's children that have exited and been waited for. */
function reapedChildrenCpuMs(): number {
  const times = statTimes("/proc/self/stat");
  return times === undefined ? 0 : ticksToMs(times.cutime + times.cstime);
}

/** Fields 14–17 of `/proc/<pid>/stat` (proc(5)), in clock ticks. */
function statTimes(
  path: string,
): { utime: number; stime: number; cutime: number; cstime: number } | undefined {
  let stat: string;
  try {
    stat = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count after it.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const field = (n: number) => Number(fields[n - 3]);
  return { utime: field(14), stime: field(15), cutime: field(16), cstime: field(17) };
}

let ticksPerSecond: number | undefined;

function ticksToMs(ticks: number): number {
  ticksPerSecond ??=
    Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  return (ticks * 1000) / ticksPerSecond;
}
