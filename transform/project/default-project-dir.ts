import { join, resolve } from "node:path";
import { pslinkPackage } from "../../core/package-info.js";

/** pslink's own dbt project: `models/` beside the package (`./models` outside it). */
export function defaultProjectDir(): string {
  const pkg = pslinkPackage();
  return pkg ? join(pkg.dir, "models") : resolve("models");
}
