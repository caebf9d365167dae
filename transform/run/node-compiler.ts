import { configError } from "../../core/errors.js";
import type { Manifest, ModelNode, TestNode } from "../graph/manifest-types.js";
import { type ParseContext, sourceRelation } from "../graph/model-parser.js";
import { renderTestArguments } from "../graph/test-parser.js";
import { ephemeralCteName, type QuoteIdentifier, Relation } from "../jinja/relation.js";
import { type NodeInfo, type RelationResolver, RenderSession } from "../jinja/render-session.js";

export interface ExecuteContext {
  readonly manifest: Manifest;
  readonly quote: QuoteIdentifier;
  readonly fullRefresh: boolean;
}

/** At execute time a ref prints the model's real relation (or its CTE, when ephemeral). */
function executeResolver(context: ExecuteContext): RelationResolver {
  const { manifest } = context;
  const parse = parseContextOf(context);
  return {
    ref: (name, from) => {
      const model = manifest.models.get(name);
      if (!model)
        throw configError(
          `${from.original_file_path}: ref('${name}') names no model or seed of the project`,
        );
      return model.relation;
    },
    source: (sourceName, tableName, from) => sourceRelation(parse, sourceName, tableName, from),
  };
}

/** Renders a model's SQL for execution, with its ephemeral upstreams inlined as CTEs. */
export function compileModel(
  context: ExecuteContext,
  model: ModelNode,
  isIncremental: boolean,
): string {
  const ctes = new Map<string, string>();
  const sql = renderModel(context, model, isIncremental, ctes);
  return withCtes(sql, ctes);
}

function renderModel(
  context: ExecuteContext,
  model: ModelNode,
  isIncremental: boolean,
  ctes: Map<string, string>,
): string {
  if (model.body.kind === "seed") return model.body.sql;
  const session = new RenderSession({
    phase: "execute",
    node: model.info,
    resolver: executeResolver(context),
    vars: context.manifest.vars,
    baseConfig: model.configValues,
    thisRelation: model.relation,
    isIncremental,
    fullRefresh: context.fullRefresh,
  });
  const sql = context.manifest.runtime.render(model.body.template, session);
  for (const name of session.refs) {
    const upstream = context.manifest.models.get(name);
    if (upstream?.config.materialized !== "ephemeral" || ctes.has(upstream.name)) continue;
    const inner = renderModel(context, upstream, false, ctes);
    ctes.set(upstream.name, inner);
  }
  return stripTerminator(sql);
}

/** dbt's CTE injection: ephemeral models go first in the model's own `with`, or a new one. */
function withCtes(sql: string, ctes: ReadonlyMap<string, string>): string {
  if (ctes.size === 0) return sql;
  const definitions = [...ctes]
    .map(([name, body]) => `${ephemeralCteName(name)} as (\n${body}\n)`)
    .join(",\n");
  const leadingWith = /^(\s*(?:(?:--[^\n]*\n|\/\*[\s\S]*?\*\/)\s*)*)with\s/i.exec(sql);
  if (leadingWith) {
    const prefix = leadingWith[1] ?? "";
    return `${prefix}with ${definitions},\n${sql.slice(leadingWith[0].length)}`;
  }
  return `with ${definitions}\n${sql}`;
}

/** Renders a data test to the query that returns its failing rows. */
export function compileTest(context: ExecuteContext, test: TestNode): string {
  const { manifest } = context;
  const session = new RenderSession({
    phase: "execute",
    node: test.info,
    resolver: executeResolver(context),
    vars: manifest.vars,
    baseConfig: test.config,
    fullRefresh: context.fullRefresh,
  });
  const { definition } = test;
  if (definition.kind === "singular") {
    return stripTerminator(manifest.runtime.render(definition.template, session));
  }
  const subject =
    definition.subject.kind === "model"
      ? (manifest.models.get(definition.subject.name)?.relation ??
        missing(test, definition.subject.name))
      : subjectSource(context, definition.subject.key, test);
  const model = manifest.runtime.callMacro(
    "get_where_subquery",
    session,
    { relation: subject, where: test.config.where ?? null },
    test.path,
  );
  const args = renderTestArguments(manifest.runtime, session, definition.args, test.path);
  const call = {
    ...args,
    model,
    ...(definition.columnName === undefined ? {} : { column_name: definition.columnName }),
  };
  return stripTerminator(
    String(manifest.runtime.callMacro(definition.macroName, session, call, test.path)),
  );
}

/** The project's hooks: `on-run-start` runs before a run's first node, `on-run-end` after its last. */
export type ProjectHookKind = "on-run-start" | "on-run-end";

/** Renders the project's hook `index` of `kind` for execution (dbt's `operation` node). */
export function compileHook(context: ExecuteContext, kind: ProjectHookKind, index: number): string {
  const { manifest } = context;
  const { project } = manifest;
  const name = `${project.name}-${kind}-${index}`;
  const info: NodeInfo = {
    unique_id: `operation.${project.name}.${name}`,
    name,
    resource_type: "operation",
    original_file_path: "dbt_project.yml",
    fqn: [project.name, "hooks", name],
    package_name: project.name,
  };
  const session = new RenderSession({
    phase: "execute",
    node: info,
    resolver: executeResolver(context),
    vars: manifest.vars,
    baseConfig: {},
    fullRefresh: context.fullRefresh,
  });
  const source = project.file[kind][index] ?? "";
  return stripTerminator(
    manifest.runtime.renderString(source, session, `dbt_project.yml (${kind} hook ${index + 1})`),
  );
}

function subjectSource(context: ExecuteContext, key: string, test: TestNode): Relation {
  const table = context.manifest.project.sources.get(key);
  if (!table) throw configError(`${test.path}: source ${key} is not declared`);
  return new Relation(table.schema, table.identifier, context.quote);
}

function missing(test: TestNode, name: string): never {
  throw configError(`${test.path}: test ${test.name} is on model ${name}, which is not enabled`);
}

function parseContextOf(context: ExecuteContext): ParseContext {
  const { manifest } = context;
  return {
    project: manifest.project,
    runtime: manifest.runtime,
    target: manifest.runtime.target,
    quote: context.quote,
    vars: manifest.vars,
  };
}

/** A trailing `;` would break `create table … as (…)`. */
function stripTerminator(sql: string): string {
  return sql.replace(/[\s;]+$/, "").trimStart();
}
