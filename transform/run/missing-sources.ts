import { configError } from "../../core/errors.js";
import { inList } from "../../warehouse/sql-values.js";
import type { Warehouse } from "../../warehouse/warehouse.js";
import type { Manifest, ModelNode } from "../graph/manifest-types.js";

/** Missing tables named in the error; the rest are counted. */
const SHOWN = 6;

/**
 * Refuses a build whose models read source tables the warehouse does not have yet (no sync has
 * landed that system), before anything runs: otherwise every such model fails on its own and
 * everything downstream is skipped, a screen of errors that never says to sync.
 */
export async function refuseMissingSources(
  manifest: Manifest,
  models: readonly string[],
  warehouse: Warehouse,
): Promise<void> {
  const keys = new Set<string>();
  const visit = (model: ModelNode | undefined) => {
    if (!model) return;
    for (const key of model.sources) keys.add(key);
    // An ephemeral model is inlined into the models that ref it: its sources are theirs.
    for (const name of model.dependsOn) {
      const upstream = manifest.models.get(name);
      if (upstream?.config.materialized === "ephemeral") visit(upstream);
    }
  };
  for (const name of models) visit(manifest.models.get(name));
  const tables = [...keys].flatMap((key) => manifest.project.sources.get(key) ?? []);
  if (tables.length === 0) return;
  const params: unknown[] = [];
  const schemas = inList("table_schema", [...new Set(tables.map((table) => table.schema))], params);
  const rows = await warehouse.query<{ table_schema: string; table_name: string }>(
    `select table_schema, table_name from information_schema.tables where ${schemas}`,
    params,
  );
  const present = new Set(rows.map((row) => `${row.table_schema}.${row.table_name}`.toLowerCase()));
  const missing = tables.filter(
    (table) => !present.has(`${table.schema}.${table.identifier}`.toLowerCase()),
  );
  if (missing.length === 0) return;
  const sources = [...new Set(missing.map((table) => table.sourceName))].sort();
  const named = missing.map((table) => `${table.schema}.${table.identifier}`).sort();
  const listed =
    named.length > SHOWN
      ? `${named.slice(0, SHOWN).join(", ")} and ${named.length - SHOWN} more`
      : named.join(", ");
  throw configError(
    `the models to build read ${named.length === 1 ? "a source table" : `${named.length} source tables`} the warehouse does not have yet: ${listed}`,
    {
      hint: `run \`pslink sync\` first (\`--source <system>\` syncs one system), or leave out the models that read them (--exclude ${sources.map((source) => `source:${source}+`).join(" ")})`,
    },
  );
}
