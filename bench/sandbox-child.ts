import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { SandboxSize, SystemName } from "../sandbox/world/types.js";
import { processCpuMs } from "./measured-process.js";

/** A sandbox served by a separate process, so its CPU and heap stay out of pslink's figures. */
export interface SandboxChild {
  readonly urls: Record<SystemName, string>;
  /** Folder with the written pslink.yml, .env and ground-truth.json. */
  readonly configDir: string;
  /** `POST /__sandbox/<route>` on the admin API; returns the parsed answer. */
  admin(route: string, body: unknown): Promise<unknown>;
  /** CPU time (user + system) the sandbox has used so far. */
  cpuMs(): number;
  stop(): Promise<void>;
}

/** Starts `pslink sandbox start --write-config` and waits for its four URL lines. */
export async function startSandboxChild(options: {
  bin: string;
  cwd: string;
  size: SandboxSize;
  seed: number;
  configDir: string;
}): Promise<SandboxChild> {
  const child = spawn(
    process.execPath,
    [
      // V8's memory reducer starts a full garbage collection of the sandbox's ~2.3 GB heap when
      // it sees the process idle (between two measured runs); the marking then runs during the
      // next run and costs the sandbox ~10 s of CPU on the cores pslink is measured on.
      "--no-memory-reducer",
      options.bin,
      "sandbox",
      "start",
      "--size",
      options.size,
      "--seed",
      String(options.seed),
      "--write-config",
      options.configDir,
    ],
    { cwd: options.cwd, stdio: ["ignore", "pipe", "inherit"] },
  );
  const urls = await readUrls(child);
  return {
    urls,
    configDir: options.configDir,
    admin: async (route, body) => {
      const response = await fetch(`${urls.kantata}/__sandbox/${route}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`sandbox ${route} answered ${response.status}`);
      return response.json();
    },
    cpuMs: () => (child.pid === undefined ? 0 : processCpuMs(child.pid)),
    stop: () => stopChild(child),
  };
}

async function readUrls(child: ChildProcess): Promise<Record<SystemName, string>> {
  const found: Partial<Record<SystemName, string>> = {};
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) => reject(new Error(`the sandbox exited early (${code})`))),
  );
  const ready = (async () => {
    for await (const line of lines) {
      const [system, url] = line.trim().split(/\s+/);
      if (system && url) found[system as SystemName] = url;
      if (Object.keys(found).length === 4) return found as Record<SystemName, string>;
    }
    throw new Error("the sandbox closed its output before printing four URLs");
  })();
  return Promise.race([ready, exited]);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}
