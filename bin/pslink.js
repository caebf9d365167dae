#!/usr/bin/env node
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// The bundled CLI (scripts/bundle-cli.mjs): a few files to load instead of ~800 modules.
const entry = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "bundle", "main.js");
if (!existsSync(entry)) {
  process.stderr.write(
    "pslink is not built yet: run `npm install` (or `npm run build`) in the pslink folder.\n",
  );
  process.exit(2);
}
// A reader that stops early (`pslink plan show … | head`) closes the pipe: the command still
// finishes its work, and what it would have printed after that is dropped instead of crashing it.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error) => {
    if (error.code !== "EPIPE") throw error;
  });
}
const { main } = await import(entry);
const code = await main(process.argv);
// The command is done: leftover timers (a rate limiter's interval, an idle keep-alive socket)
// must not hold the process open. Exit once what was written has been flushed.
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);

function flushed(stream) {
  return new Promise((resolve) => stream.write("", () => resolve()));
}
