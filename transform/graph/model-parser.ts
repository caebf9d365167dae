import type { z } from "zod";
import { configError } from "../../core/errors.js";
import { issuesText, plainIssueMessage } from "../../core/plain-issues.js";
import type { TargetInfo } from "../jinja/dbt-globals.js";
import type { JinjaRuntime } from "../jinja/jinja-runtime.js";
import {
  EphemeralRelation,
  type QuoteIdentifier,
  Relation,
  type RelationLike,
} from "../jinja/relation.js";
import { type NodeInfo, type RelationResolver, RenderSession } from "../jinja/render-session.js";
import { folderConfig } from "../project/folder-config.js";
import { mergeConfig, modelConfigSchema, UNSUPPORTED_MODEL_KEYS } from "../project/node-config.js";
import { type DbtProject, nodeName, type ProjectFile } from "../project/project-loader.js";
import type { ModelNode } from "./manifest-types.js";

export interface ParseContext {
  readonly project: DbtProject;
  readonly runtime: JinjaRuntime;
  readonly target: TargetInfo;
  readonly quote: QuoteIdentifier;
  readonly vars: Readonly<Record<string, unknown>>;
}

/**
 * During the parse pass refs are only recorded: they print as a plain relation in the
 * target schema (the real one is known once every model's config is).
 */
export function parseResolver(context: ParseContext): RelationResolver {
  return {
    ref: (name) => new Relation(context.target.schema, name, context.quote),
    source: (sourceName, tableName, from) => sourceRelation(context, sourceName, tableName, from),
  };
}

/** The relation a `source()` call names; an undeclared source is a config error. */
export function sourceRelation(
  context: ParseContext,
  sourceName: string,
  tableName: string,
  from: NodeInfo,
): Relation {
  const table = context.project.sources.get(`${sourceName}.${tableName}`);
  if (!table) {
    throw configError(
      `${from.original_file_path}: source('${sourceName}', '${tableName}') is not declared`,
      {
        hint: `declare it under sources: in a .yml file of the model paths (source ${sourceName}, table ${tableName})`,
      },
    );
  }
  return new Relation(table.schema, table.identifier, context.quote);
}

/** Parses one model file: renders it once to learn its refs, sources and config. */
export function parseModel(context: ParseContext, file: ProjectFile): ModelNode | undefined {
  const { project, runtime } = context;
  const name = nodeName(file);
  const folders = foldersOf(project, file);
  const info: NodeInfo = {
    unique_id: `model.${project.name}.${name}`,
    name,
    resource_type: "model",
    original_file_path: file.path,
    fqn: [project.name, ...folders, name],
    package_name: project.name,
  };
  const propertiesEntry = project.modelProperties.get(name);
  const properties = propertiesEntry?.properties;
  const baseConfig = mergeConfig(
    { materialized: "view" },
    folderConfig(project.file.models, project.name, [...folders, name]),
    properties?.config ?? {},
  );
  const template = runtime.compile(file.path, file.source);
  const session = new RenderSession({
    phase: "parse",
    node: info,
    resolver: parseResolver(context),
    vars: context.vars,
    baseConfig,
    thisRelation: new Relation(context.target.schema, name, context.quote),
  });
  runtime.render(template, session);
  const configValues = mergeConfig(baseConfig, session.configCalls);
  for (const key of UNSUPPORTED_MODEL_KEYS) {
    if (configValues[key] === undefined) continue;
    // Named where it is written: a folder's `+key` in dbt_project.yml reaches many models.
    const where =
      session.configCalls[key] !== undefined
        ? `${file.path}: config(${key}=…)`
        : properties?.config?.[key] !== undefined
          ? `${propertiesEntry?.path}: ${key} of model ${name}`
          : `dbt_project.yml: +${key} under models: (it reaches ${file.path})`;
    throw configError(`${where} is not supported by the embedded runner`, {
      hint: "move the statement into a model or run this project with dbt-core",
    });
  }
  const config = parseNodeConfig(modelConfigSchema, file.path, configValues);
  if (!config.enabled) return undefined;
  const relation = relationFor(context, info, config);
  return {
    kind: "model",
    name,
    file,
    fqn: info.fqn,
    info,
    config,
    configValues,
    relation,
    dependsOn: [...new Set(session.refs)],
    sources: [...new Set(session.sources.map(([source, table]) => `${source}.${table}`))],
    body: { kind: "sql", template },
  };
}

/** A node's merged config checked against `schema`; a bad value is an error naming the file. */
export function parseNodeConfig<T extends z.ZodType>(
  schema: T,
  path: string,
  values: Readonly<Record<string, unknown>>,
): z.infer<T> {
  const parsed = schema.safeParse(values, { error: plainIssueMessage });
  if (!parsed.success) throw configError(`${path}: ${issuesText(parsed.error, "config")}`);
  return parsed.data;
}

/** Schema and alias through the project's generate_schema_name / generate_alias_name. */
export function relationFor(
  context: ParseContext,
  info: NodeInfo,
  config: ModelNode["config"],
): RelationLike {
  if (config.materialized === "ephemeral") return new EphemeralRelation(info.name);
  const session = new RenderSession({
    phase: "parse",
    node: info,
    resolver: parseResolver(context),
    vars: context.vars,
    baseConfig: config,
  });
  const node = { ...info, config };
  const schema = String(
    context.runtime.callMacro(
      "generate_schema_name",
      session,
      { custom_schema_name: config.schema ?? null, node },
      info.original_file_path,
    ),
  ).trim();
  const alias = String(
    context.runtime.callMacro(
      "generate_alias_name",
      session,
      { custom_alias_name: config.alias ?? null, node },
      info.original_file_path,
    ),
  ).trim();
  return new Relation(schema, alias, context.quote);
}

/** The folders between the model (or seed) path and the file, e.g. `["staging", "psa"]`. */
export function foldersOf(
  project: DbtProject,
  file: ProjectFile,
  roots: "model-paths" | "seed-paths" = "model-paths",
): string[] {
  const root = project.file[roots]
    .map((path) => path.replace(/\/+$/, ""))
    .find((path) => file.path.startsWith(`${path}/`));
  const inner = root === undefined ? file.path : file.path.slice(root.length + 1);
  return inner.split("/").slice(0, -1);
}
