import { describeError } from "../../core/errors.js";
import type { Warehouse } from "../../warehouse/warehouse.js";
import { topologicalOrder } from "../graph/dag.js";
import { builtAs, type Manifest, type ModelNode } from "../graph/manifest-types.js";
import { checkSelects, refuseEmptyRun, selectModels } from "../graph/selector.js";
import type { Relation } from "../jinja/relation.js";
import type { ViewProblem } from "./dependent-views.js";
import { errorLocation } from "./error-location.js";
import { materialize } from "./materialize.js";
import { refuseMissingSources } from "./missing-sources.js";
import { compileModel, type ExecuteContext } from "./node-compiler.js";
import { openProject, quoteFor } from "./open-project.js";
import { endHooks, runProjectHooks } from "./project-hooks.js";
import { RelationAdapter } from "./relation-adapter.js";
import type { BuildOptions, BuildResult, NodeResult } from "./run-types.js";

/**
 * Builds the project's selected seeds and models in dependency order, between the project's
 * on-run-start and on-run-end hooks. A failing model stops only the models downstream of it
 * (reported `skipped`); the others still build.
 */
export async function buildModels(options: BuildOptions): Promise<BuildResult> {
  const started = Date.now();
  const manifest = await openProject(options);
  checkSelects(manifest, options.select, { tests: false });
  const selected = selectModels(manifest, options);
  const graph = new Map(
    [...manifest.models.values()].map((model) => [model.name, model.dependsOn]),
  );
  const order = topologicalOrder(graph).filter(
    (name) => selected.has(name) && manifest.models.get(name)?.config.materialized !== "ephemeral",
  );
  refuseEmptyRun(options, { what: "build", chosen: selected.size, runnable: order.length });
  await refuseMissingSources(manifest, order, options.warehouse);
  options.onEvent?.({
    kind: "parsed",
    models: manifest.models.size,
    tests: manifest.tests.length,
    selected: order.length,
  });
  const context: ExecuteContext = {
    manifest,
    quote: quoteFor(options.warehouse),
    fullRefresh: options.fullRefresh === true,
  };
  await runProjectHooks(context, options.warehouse, "on-run-start");
  const adapter = new RelationAdapter(options.warehouse, options.lockWait);
  // A model view this run builds again need not survive the swap of a table it reads.
  const building = new Set(order.map((name) => relationOf(manifest.models.get(name) as ModelNode)));
  const failed = new Set<string>();
  const schemas = new Set<string>();
  const results: NodeResult[] = [];
  for (const [index, name] of order.entries()) {
    const model = manifest.models.get(name) as ModelNode;
    const event = { index: index + 1, total: order.length };
    options.onEvent?.({
      kind: "node-started",
      name,
      materialized: builtAs(model),
      ...event,
    });
    const blockedBy = upstreamOf(manifest, model).find((upstream) => failed.has(upstream));
    const result = blockedBy
      ? skipped(model, blockedBy)
      : await buildOne(
          context,
          options.warehouse,
          adapter,
          model,
          schemas,
          options.fullRefresh === true,
          building,
        );
    if (result.status !== "success") failed.add(name);
    results.push(result);
    options.onEvent?.({ kind: "node-finished", result, ...event });
  }
  const hookError = await endHooks(context, options.warehouse);
  return {
    ok: failed.size === 0 && hookError === undefined,
    nodes: results,
    durationMs: Date.now() - started,
    ...(hookError === undefined ? {} : { hookError }),
  };
}

async function buildOne(
  context: ExecuteContext,
  warehouse: Warehouse,
  adapter: RelationAdapter,
  model: ModelNode,
  schemas: Set<string>,
  fullRefresh: boolean,
  building: ReadonlySet<string>,
): Promise<NodeResult> {
  const started = Date.now();
  const relation = model.relation as Relation;
  const base = { name: model.name, relation: relationOf(model), materialized: builtAs(model) };
  let compiledSql: string | undefined;
  try {
    if (!schemas.has(relation.schema)) {
      await adapter.createSchema(warehouse, relation.schema);
      schemas.add(relation.schema);
    }
    const existing = await adapter.kindOf(warehouse, relation.schema, relation.identifier);
    const refresh = fullRefresh && model.config.full_refresh !== false;
    const incremental =
      model.config.materialized === "incremental" && existing === "table" && !refresh;
    compiledSql = compileModel(context, model, incremental);
    const built = await materialize({
      warehouse,
      adapter,
      schema: relation.schema,
      name: relation.identifier,
      config: model.config,
      sql: compiledSql,
      existing,
      incremental,
    });
    const warnings = built.viewProblems
      .filter((problem) => !(problem.lost && building.has(problem.relation)))
      .map(viewWarning);
    return {
      ...base,
      status: "success",
      rows: built.rows,
      durationMs: Date.now() - started,
      compiledSql,
      ...(warnings.length > 0 ? { warnings } : {}),
    };
  } catch (error) {
    const at =
      compiledSql === undefined ? undefined : errorLocation(error, compiledSql, model.file);
    return {
      ...base,
      status: "error",
      error: at === undefined ? describeError(error) : `${describeError(error)}\n  ${at}`,
      durationMs: Date.now() - started,
      compiledSql,
    };
  }
}

/**
 * What to tell of a view built on the model's old relation: one the new build no longer fits,
 * with the definition to make it again from; or what of it could not be given back.
 */
function viewWarning(problem: ViewProblem): string {
  if (problem.lost)
    return `view ${problem.relation} was built on it and does not fit the new build, so it is gone: ${problem.reason}\n  its definition, to change and make again: ${problem.statement}`;
  return `view ${problem.relation} was made again, but without: ${problem.statement} (${problem.reason})`;
}

/** `schema.name` of a model's relation. */
function relationOf(model: ModelNode): string {
  const relation = model.relation as Relation;
  return `${relation.schema}.${relation.identifier}`;
}

function skipped(model: ModelNode, blockedBy: string): NodeResult {
  return {
    name: model.name,
    relation: relationOf(model),
    materialized: builtAs(model),
    status: "skipped",
    durationMs: 0,
    error: `skipped: upstream model ${blockedBy} did not build`,
  };
}

/** The models a model reads from, looking through ephemeral models (they are inlined). */
function upstreamOf(manifest: Manifest, model: ModelNode): string[] {
  const found: string[] = [];
  for (const name of model.dependsOn) {
    const upstream = manifest.models.get(name);
    if (!upstream) continue;
    if (upstream.config.materialized === "ephemeral") found.push(...upstreamOf(manifest, upstream));
    else found.push(name);
  }
  return found;
}
