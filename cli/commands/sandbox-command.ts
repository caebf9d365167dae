import { type Command, InvalidArgumentError, Option } from "commander";
import { logger } from "../../core/logger.js";
import { startSandbox } from "../../sandbox/sandbox.js";
import { checkSandboxConfigFolder, writeSandboxConfig } from "../../sandbox/sandbox-config.js";
import { accountZone } from "../../sandbox/servers/netsuite/account-zone.js";
import type { SandboxSize } from "../../sandbox/world/types.js";
import { print } from "../program.js";

interface StartOptions {
  size: SandboxSize;
  seed: number;
  asOf?: string;
  writeConfig?: string;
  host: string;
  netsuiteTimeZone?: string;
}

/** `pslink sandbox start`: serves imitation vendor APIs over a seeded consulting firm. */
export function registerSandboxCommand(program: Command): void {
  const sandbox = program
    .command("sandbox")
    .description("local imitations of Salesforce, NetSuite, Kantata OX and Workday");
  sandbox
    .command("start")
    .description(
      "serve the four APIs on loopback until interrupted (prints `<system> <url>` lines)",
    )
    .addOption(
      new Option("--size <size>", "data set size")
        .choices(["small", "medium", "large"])
        .default("small"),
    )
    .option("--seed <n>", "random seed (same seed, same data)", parseSeed, 1)
    .option("--as-of <date>", "business date the data is anchored to (YYYY-MM-DD)", parseDate)
    .option("--write-config <dir>", "write pslink.yml, .env and ground-truth.json into DIR")
    .option("--host <host>", "interface to listen on", "127.0.0.1")
    .option(
      "--netsuite-time-zone <zone>",
      "NetSuite's account time zone, an IANA name (default UTC): SuiteQL shows and reads date-times in it",
      parseZone,
    )
    .action(async (options: StartOptions) => {
      // Before the world is generated: a folder holding a project's own config fails at once.
      if (options.writeConfig !== undefined) checkSandboxConfigFolder(options.writeConfig);
      const handle = await startSandbox({
        size: options.size,
        seed: options.seed,
        host: options.host,
        ...(options.asOf === undefined ? {} : { asOf: options.asOf }),
        ...(options.netsuiteTimeZone === undefined
          ? {}
          : { netsuiteZone: { name: options.netsuiteTimeZone } }),
      });
      // The config is written before the URL lines, so a reader of those lines finds it ready.
      if (options.writeConfig !== undefined) {
        const written = writeSandboxConfig(handle, options.writeConfig);
        logger.info({ files: written }, "sandbox config written");
      }
      for (const [system, url] of Object.entries(handle.urls)) print(`${system} ${url}`);
      logger.info({ size: options.size, seed: options.seed }, "sandbox ready; Ctrl-C stops it");
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
      await handle.close();
      logger.info("sandbox stopped");
    });
}

function parseSeed(value: string): number {
  const seed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(seed))
    throw new InvalidArgumentError(
      `write the seed as a whole number up to ${Number.MAX_SAFE_INTEGER}`,
    );
  return seed;
}

function parseZone(value: string): string {
  try {
    return accountZone(value, "later").name;
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}

function parseDate(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    throw new InvalidArgumentError("write the date as YYYY-MM-DD");
  }
  // Date.parse rolls 2026-02-30 over to March: a real day reads back the same.
  const day = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== value) {
    throw new InvalidArgumentError(`${value} is not a day of the calendar`);
  }
  return value;
}
