import { spawn } from "node:child_process";
import { ensureBuiltCli, PSLINK_BIN } from "./built-cli.js";

/** Sends `signal` to the process once its stderr matches `when`. */
export interface Interrupt {
  when: RegExp;
  signal: NodeJS.Signals;
}

/**
 * Runs `node bin/pslink.js <args>` (built from the current sources first) to completion; resolves
 * to its exit code and output.
 */
export async function runPslink(
  args: readonly string[],
  env: Record<string, string> = {},
  interrupt?: Interrupt,
) {
  await ensureBuiltCli();
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [PSLINK_BIN, ...args], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let interrupted = false;
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (interrupt && !interrupted && interrupt.when.test(stderr)) {
        interrupted = true;
        child.kill(interrupt.signal);
      }
    });
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}
