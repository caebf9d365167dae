import { quoteIdentifier } from "../../warehouse/sql-values.js";
import type { Warehouse, WarehouseKind } from "../../warehouse/warehouse.js";
import { buildManifest } from "../graph/manifest-builder.js";
import type { Manifest } from "../graph/manifest-types.js";
import type { TargetInfo } from "../jinja/dbt-globals.js";
import { loadProject } from "../project/project-loader.js";
import type { TransformOptions } from "./run-types.js";

/** The schema dbt's profiles conventionally use on each warehouse (`target.schema`). */
export function defaultTargetSchema(kind: WarehouseKind): string {
  return kind === "duckdb" ? "main" : "public";
}

/** Loads and parses the project for a run against `warehouse`. */
export function openProject(options: TransformOptions): Promise<Manifest> {
  return parseProject({ ...options, kind: options.warehouse.kind });
}

/**
 * Loads and parses the project as a run on a `kind` warehouse would, without one open: both
 * dialects quote identifiers alike (`quoteIdentifier`).
 */
export async function parseProject(
  options: Pick<TransformOptions, "projectDir" | "vars" | "targetSchema"> & { kind: WarehouseKind },
): Promise<Manifest> {
  const { kind } = options;
  const project = await loadProject(options.projectDir);
  const target: TargetInfo = {
    name: kind,
    type: kind,
    schema: options.targetSchema ?? defaultTargetSchema(kind),
    threads: 1,
    profile_name: project.file.profile ?? project.name,
  };
  return buildManifest({ project, target, quote: quoteIdentifier, vars: options.vars ?? {} });
}

export function quoteFor(warehouse: Warehouse): (identifier: string) => string {
  return (identifier) => warehouse.quote(identifier);
}
