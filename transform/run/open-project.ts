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
export async function openProject(options: TransformOptions): Promise<Manifest> {
  const { warehouse } = options;
  const project = await loadProject(options.projectDir);
  const target: TargetInfo = {
    name: warehouse.kind,
    type: warehouse.kind,
    schema: options.targetSchema ?? defaultTargetSchema(warehouse.kind),
    threads: 1,
    profile_name: project.file.profile ?? project.name,
  };
  return buildManifest({ project, target, quote: quoteFor(warehouse), vars: options.vars ?? {} });
}

export function quoteFor(warehouse: Warehouse): (identifier: string) => string {
  return (identifier) => warehouse.quote(identifier);
}
