import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import lockfile from "proper-lockfile";

const ROOT = resolve(import.meta.dirname, "../../..");
/** The CLI entry a user runs. */
export const PSLINK_BIN = join(ROOT, "bin", "pslink.js");
/** What `bin/pslink.js` loads: the bundle `npm run build` makes from tsc's dist/cli/main.js. */
const BUILT = join(ROOT, "dist", "bundle", "main.js");
/** Every folder tsc compiles into dist/ (tsconfig.json's `include`). */
const SOURCES: string[] = JSON.parse(readFileSync(join(ROOT, "tsconfig.json"), "utf8")).include;
mkdirSync(join(ROOT, ".tmp"), { recursive: true });

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function fresh(): boolean {
  const newest = Math.max(...SOURCES.map((dir) => newestSource(join(ROOT, dir))));
  return existsSync(BUILT) && statSync(BUILT).mtimeMs >= newest;
}

/**
 * Builds dist/ and its bundle when the TypeScript sources are newer, so `node bin/pslink.js`
 * runs this code. Test files run in parallel: a lock keeps two of them from building at once.
 */
export async function ensureBuiltCli(): Promise<void> {
  if (fresh()) return;
  const release = await lockfile.lock(ROOT, {
    lockfilePath: join(ROOT, ".tmp", "build.lock"),
    retries: { retries: 120, minTimeout: 500, maxTimeout: 1000 },
    stale: 120_000,
  });
  try {
    if (!fresh()) build();
  } finally {
    await release();
  }
}

function build(): void {
  try {
    execFileSync(
      process.execPath,
      [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", join(ROOT, "tsconfig.json")],
      { stdio: "ignore" },
    );
  } catch {
    // Type errors elsewhere in the tree still emit JavaScript; the entry's existence is what counts.
  }
  execFileSync(process.execPath, [join(ROOT, "scripts", "bundle-cli.mjs")], { stdio: "pipe" });
  if (!existsSync(BUILT)) throw new Error("dist/bundle/main.js is missing after `npm run build`");
}
