import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** pslink's own package: where it is installed and its version. */
export interface PackageInfo {
  dir: string;
  version: string;
}

let found: PackageInfo | null | undefined;

/**
 * pslink's package.json, found by walking up from this module (it runs from `dist/` when
 * installed and from the sources in tests); null when pslink runs outside its package.
 */
export function pslinkPackage(): PackageInfo | null {
  if (found !== undefined) return found;
  found = null;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const manifest = readManifest(join(dir, "package.json"));
    if (manifest?.name === "pslink") {
      found = { dir, version: String(manifest.version ?? "0.0.0") };
      break;
    }
    if (dirname(dir) === dir) break;
  }
  return found;
}

function readManifest(path: string): { name?: unknown; version?: unknown } | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as { name?: unknown; version?: unknown };
  } catch {
    return undefined;
  }
}
