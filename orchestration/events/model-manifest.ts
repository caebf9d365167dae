import { buildManifest } from "../../transform/graph/manifest-builder.js";
import type { Manifest } from "../../transform/graph/manifest-types.js";
import { loadProject } from "../../transform/project/project-loader.js";
import { defaultTargetSchema } from "../../transform/run/open-project.js";
import type { WarehouseKind } from "../../warehouse/warehouse.js";

export interface ModelManifestOptions {
  projectDir: string;
  /** The warehouse the project targets (relation names and `target` depend on it). */
  kind: WarehouseKind;
  vars?: Readonly<Record<string, unknown>>;
}

/**
 * Parses the dbt project without connecting to the warehouse, for listing its assets: an
 * orchestrator loading its definitions must not need (or wait for) the warehouse file.
 */
export async function loadModelManifest(options: ModelManifestOptions): Promise<Manifest> {
  const project = await loadProject(options.projectDir);
  return buildManifest({
    project,
    target: {
      name: options.kind,
      type: options.kind,
      schema: defaultTargetSchema(options.kind),
      threads: 1,
      profile_name: project.file.profile ?? project.name,
    },
    // Both warehouses quote identifiers the SQL-standard way.
    quote: (identifier) => `"${identifier.replaceAll('"', '""')}"`,
    vars: options.vars ?? {},
  });
}
