import { configError } from "../../core/errors.js";
import { BUILTIN_MACROS, BUILTIN_MACROS_PATH } from "../jinja/builtin-macros.js";
import type { TargetInfo } from "../jinja/dbt-globals.js";
import { JinjaRuntime } from "../jinja/jinja-runtime.js";
import type { QuoteIdentifier } from "../jinja/relation.js";
import type { DbtProject } from "../project/project-loader.js";
import { topologicalOrder } from "./dag.js";
import type { Manifest, ModelNode } from "./manifest-types.js";
import { type ParseContext, parseModel } from "./model-parser.js";
import { parseSeed } from "./seed-parser.js";
import { parseTests } from "./test-parser.js";

export interface ManifestOptions {
  project: DbtProject;
  target: TargetInfo;
  quote: QuoteIdentifier;
  /** The run's `--vars`; they override the project's `vars:`. */
  vars?: Readonly<Record<string, unknown>>;
}

/**
 * The parse pass: registers macros, renders every model and test once to collect refs, sources
 * and configs, reads the seeds, resolves relation names, and checks that refs resolve and form
 * no cycle.
 */
export function buildManifest(options: ManifestOptions): Manifest {
  const { project, target, quote } = options;
  const runtime = new JinjaRuntime(target, project.name, quote);
  runtime.addMacroFile(BUILTIN_MACROS_PATH, BUILTIN_MACROS);
  for (const macro of project.macros) runtime.addMacroFile(macro.path, macro.source);
  const vars = projectVars(project, options.vars ?? {});
  const context: ParseContext = { project, runtime, target, quote, vars };
  const allModels = [
    ...project.seeds.map((file) => ({ file, node: parseSeed(context, file) })),
    ...project.models.map((file) => ({ file, node: parseModel(context, file) })),
  ];
  const models = new Map<string, ModelNode>();
  for (const { node } of allModels) if (node) models.set(node.name, node);
  const disabled = new Set(allModels.filter(({ node }) => !node).map(({ file }) => file.path));
  for (const model of models.values())
    checkRefs(model.file.path, model.dependsOn, models, disabled);
  const tests = parseTests(context, new Set(models.keys()));
  for (const test of tests) checkRefs(test.path, test.dependsOn, models, disabled);
  topologicalOrder(new Map([...models.values()].map((model) => [model.name, model.dependsOn])));
  return { project, runtime, vars, models, tests: tests.filter((test) => test.config.enabled) };
}

/** Project `vars:` (global and scoped to this project) overlaid with the run's vars. */
function projectVars(
  project: DbtProject,
  overrides: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const declared = project.file.vars;
  const scoped = declared[project.name];
  const global = Object.fromEntries(
    Object.entries(declared).filter(([key]) => key !== project.name),
  );
  return {
    ...global,
    ...(typeof scoped === "object" && scoped !== null && !Array.isArray(scoped) ? scoped : {}),
    ...overrides,
  };
}

function checkRefs(
  path: string,
  refs: readonly string[],
  models: ReadonlyMap<string, ModelNode>,
  disabled: ReadonlySet<string>,
): void {
  for (const ref of refs) {
    if (models.has(ref)) continue;
    const isDisabled = [...disabled].some(
      (file) => /\/([^/]+)\.(sql|csv)$/.exec(file)?.[1] === ref,
    );
    throw configError(
      `${path}: ref('${ref}') names ${isDisabled ? "a disabled model or seed" : "no model or seed of the project"}`,
      {
        hint: isDisabled
          ? `enable ${ref} or remove the ref`
          : "check the name (a model's .sql file name, a seed's .csv file name)",
      },
    );
  }
}
