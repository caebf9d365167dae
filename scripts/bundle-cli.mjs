// Bundles the CLI that `bin/pslink.js` runs: dist/cli/main.js (tsc's output) and the packages it
// imports, into dist/bundle/. Node loads a command from a few files instead of ~800 modules
// (@duckdb/node-api alone is 183, zod 99, yaml 73): `pslink sync --help` takes 0.34-0.50 s
// instead of 0.68-0.70 s, and an hourly incremental run starts that much sooner
// (docs/benchmarks.md). Each command stays a chunk of its own, loaded when it runs.
// Run after `tsc -p tsconfig.json` (`npm run build` runs both).
import { existsSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const entry = join(root, "dist", "cli", "main.js");
const outdir = join(root, "dist", "bundle");

if (!existsSync(entry)) {
  process.stderr.write(
    "bundle-cli: dist/cli/main.js is missing; run `tsc -p tsconfig.json` first\n",
  );
  process.exit(2);
}
// Built beside the old bundle and swapped in at the end: a `pslink` started meanwhile (a test
// running bin/pslink.js while another rebuilds) finds the old bundle or the new one, not none.
const building = `${outdir}.building-${process.pid}`;
rmSync(building, { recursive: true, force: true });
await build({
  entryPoints: { main: entry },
  outdir: building,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: "linked",
  logLevel: "warning",
  // Left to Node's resolution: the native DuckDB binding (a .node file), knex (it requires every
  // SQL dialect's driver by name), pino and thread-stream (they start worker files by path), and
  // pg's optional native driver.
  external: ["@duckdb/node-bindings*", "knex", "pino", "thread-stream", "pg-native"],
  // jsonc-parser's main file is a UMD wrapper whose `require`s esbuild cannot follow; its ES
  // module build is the same code.
  alias: { "jsonc-parser": "jsonc-parser/lib/esm/main.js" },
  // Bundled CommonJS packages call `require` for Node's built-in modules.
  banner: {
    js: "import { createRequire as __pslinkRequire } from 'node:module'; const require = __pslinkRequire(import.meta.url);",
  },
});
rmSync(outdir, { recursive: true, force: true });
renameSync(building, outdir);
