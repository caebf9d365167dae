import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * pslink's own dbt project: `models/` beside the package. Found by walking up from this module
 * (it runs from `dist/` when installed and from the sources in tests).
 */
export function defaultProjectDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && isPslinkPackage(manifest)) return join(dir, "models");
    const parent = dirname(dir);
    if (parent === dir) return resolve("models");
    dir = parent;
  }
}

function isPslinkPackage(path: string): boolean {
  try {
    return (JSON.parse(readFileSync(path, "utf8")) as { name?: unknown }).name === "pslink";
  } catch {
    return false;
  }
}
