import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The pslink folder (holding models/ and bench/), found upward from this compiled file. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "bench", "dlt_time_entries.py"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find the pslink folder above the bench module");
    dir = parent;
  }
}
