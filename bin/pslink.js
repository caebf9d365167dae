#!/usr/bin/env node
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const entry = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "cli", "main.js");
if (!existsSync(entry)) {
  process.stderr.write(
    "pslink is not built yet: run `npm install` (or `npm run build`) in the pslink folder.\n",
  );
  process.exit(2);
}
const { main } = await import(entry);
process.exitCode = await main(process.argv);
