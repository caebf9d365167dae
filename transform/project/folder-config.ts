import { mergeConfig } from "./node-config.js";

/** Config keys dbt accepts without the `+` prefix in dbt_project.yml folder blocks. */
const PLAIN_CONFIG_KEYS = new Set([
  "materialized",
  "schema",
  "alias",
  "tags",
  "enabled",
  "unique_key",
  "full_refresh",
  "incremental_strategy",
  "on_schema_change",
  "docs",
  "persist_docs",
  "meta",
  "grants",
  "contract",
  "severity",
  "where",
  "pre-hook",
  "post-hook",
]);

const isMapping = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The folder-level config for a file, as dbt resolves `models:` (or `data_tests:`) blocks of
 * dbt_project.yml: start at the project's block, descend one folder at a time, deeper wins.
 * `folders` are the file's folders below its model path, then its file name without `.sql`.
 */
export function folderConfig(
  tree: Readonly<Record<string, unknown>>,
  projectName: string,
  folders: readonly string[],
): Record<string, unknown> {
  const layers: Record<string, unknown>[] = [];
  let block: unknown = tree[projectName];
  for (let depth = 0; isMapping(block); depth += 1) {
    layers.push(configKeys(block));
    const next = folders[depth];
    block = next === undefined ? undefined : block[next];
  }
  return mergeConfig(...layers);
}

function configKeys(block: Record<string, unknown>): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(block)) {
    if (key.startsWith("+")) config[key.slice(1)] = value;
    else if (PLAIN_CONFIG_KEYS.has(key) && !isMapping(value)) config[key] = value;
  }
  return config;
}
