import { configError } from "../../core/errors.js";
import { closest } from "../../core/suggest.js";
import { childrenOf, reachable } from "./dag.js";
import type { Manifest, ModelNode, TestNode } from "./manifest-types.js";

/** `--select` / `--exclude` as dbt spells them (space = union, comma = intersection). */
export interface Selection {
  readonly select?: readonly string[] | undefined;
  readonly exclude?: readonly string[] | undefined;
}

const METHODS = ["name", "fqn", "path", "tag", "source", "config.materialized"] as const;
type Method = (typeof METHODS)[number];

interface Term {
  method: Method | "default";
  value: string;
  /** Ancestors to add: `+x` all, `2+x` two levels. */
  parents: number | "all" | undefined;
  children: number | "all" | undefined;
}

/** Models chosen by a selection, by name; no `select` means every model. */
export function selectModels(manifest: Manifest, selection: Selection): Set<string> {
  const all = [...manifest.models.keys()];
  const chosen = selection.select?.length ? matchAll(manifest, selection.select) : new Set(all);
  const excluded = selection.exclude?.length
    ? matchAll(manifest, selection.exclude)
    : new Set<string>();
  return new Set(all.filter((name) => chosen.has(name) && !excluded.has(name)));
}

/**
 * Tests chosen by a selection: those named (or tagged, or under a path) directly, and those of
 * any selected model; a test of an excluded model, or excluded itself, is dropped.
 */
export function selectTests(manifest: Manifest, selection: Selection): TestNode[] {
  const select = split(selection.select);
  const exclude = split(selection.exclude);
  const models = selectModels(manifest, { select: selection.select });
  const excludedModels = exclude.length
    ? matchAll(manifest, selection.exclude ?? [])
    : new Set<string>();
  return manifest.tests.filter((test) => {
    const chosen =
      select.length === 0 ||
      test.dependsOn.some((name) => models.has(name)) ||
      select.some((group) => groupMatchesTest(group, test));
    const dropped =
      test.dependsOn.some((name) => excludedModels.has(name)) ||
      exclude.some((group) => groupMatchesTest(group, test));
    return chosen && !dropped;
  });
}

/**
 * Refuses `--select` criteria that choose nothing (a misspelt name is the usual cause), each
 * named with the nearest model or test name. A criterion may choose models, or for `pslink test`
 * (`tests`) also tests directly.
 */
export function checkSelects(
  manifest: Manifest,
  select: readonly string[] | undefined,
  options: { tests: boolean },
): void {
  const empty = criteria(select).filter(
    (spec) =>
      matchAll(manifest, [spec]).size === 0 &&
      !(
        options.tests &&
        split([spec]).some((group) => manifest.tests.some((test) => groupMatchesTest(group, test)))
      ),
  );
  if (empty.length === 0) return;
  const what = options.tests ? "model or test" : "model";
  const missed = empty.map((spec) => ({ spec, near: nearest(manifest, spec, options) }));
  const [one] = missed;
  const message =
    missed.length === 1 && one
      ? `--select ${one.spec} matches no ${what} of the project${one.near ? `; did you mean ${one.near}?` : ""}`
      : `these --select criteria match no ${what} of the project:${missed
          .map(({ spec, near }) => `\n  ${spec}${near ? ` (did you mean ${near}?)` : ""}`)
          .join("")}`;
  throw configError(message, {
    hint: `select by name, folder (canonical), path:, tag:, source: or config.materialized: (see \`pslink ${options.tests ? "test" : "build"} --help\`)`,
  });
}

/**
 * Refuses a selection that leaves nothing to run, which would otherwise end in a silent success:
 * `--exclude` removing everything `--select` chose, or only ephemeral models chosen (they are
 * inlined, never built). A project run without selection may be empty.
 */
export function refuseEmptyRun(
  selection: Selection,
  run: { readonly what: "build" | "test"; readonly chosen: number; readonly runnable: number },
): void {
  if (run.runnable > 0 || !(selection.select?.length || selection.exclude?.length)) return;
  const select = selection.select?.length ? `--select ${selection.select.join(" ")}` : undefined;
  const exclude = selection.exclude?.length
    ? `--exclude ${selection.exclude.join(" ")}`
    : undefined;
  const nodes = run.what === "build" ? "models" : "data tests";
  if (run.what === "build" && run.chosen > 0)
    throw configError(
      `nothing to build: ${select ?? "the selection"} chooses only ephemeral models, which are inlined into the models that ref them`,
      { hint: "select the models that ref them too (`model+`)" },
    );
  throw configError(
    exclude
      ? `nothing to ${run.what}: ${exclude} removes every one of the ${nodes} ${select ? `${select} chooses` : "of the project"}`
      : `nothing to ${run.what}: ${select} holds no ${nodes}`,
    {
      hint: exclude
        ? "narrow --exclude, or leave it out"
        : `choose ${nodes} with --select (see \`pslink ${run.what} --help\`)`,
    },
  );
}

/**
 * The nearest criterion that would match something: among the values its method reads (`tag:`
 * among the project's tags, `source:` among its sources…), else among names and folders.
 */
function nearest(
  manifest: Manifest,
  spec: string,
  options: { tests: boolean },
): string | undefined {
  const bare = spec.replace(/^\d*\+|\+\d*$/g, "");
  const method = /^([a-z_.]+):(.*)$/.exec(bare);
  const models = [...manifest.models.values()];
  const tests = options.tests ? manifest.tests : [];
  const values = (() => {
    switch (method?.[1]) {
      case "tag":
        return [...models, ...tests].flatMap((node) => node.config.tags);
      case "source":
        return models.flatMap((model) => model.sources.flatMap((key) => [key, key.split(".")[0]]));
      case "path":
        return [...models.map((model) => model.file.path), ...tests.map((test) => test.path)];
      case "config.materialized":
        return models.map((model) => model.config.materialized);
      default:
        return [
          ...models.flatMap((model) => [model.name, model.fqn.slice(1).join(".")]),
          ...tests.map((test) => test.name),
        ];
    }
  })();
  if (!method) return closest(bare, values);
  const near = closest(method[2] ?? "", [...new Set(values.filter((v) => v !== undefined))]);
  return near === undefined ? undefined : `${method[1]}:${near}`;
}

function matchAll(manifest: Manifest, specs: readonly string[]): Set<string> {
  const graph = new Map(
    [...manifest.models.values()].map((model) => [model.name, model.dependsOn]),
  );
  const children = childrenOf(graph);
  const found = new Set<string>();
  for (const group of split(specs)) {
    let names: Set<string> | undefined;
    for (const term of group) {
      const matched = new Set<string>();
      for (const model of manifest.models.values()) {
        if (!modelMatches(term, model)) continue;
        matched.add(model.name);
        if (term.parents)
          for (const name of reachable(model.name, graph, depthOf(term.parents))) matched.add(name);
        if (term.children)
          for (const name of reachable(model.name, children, depthOf(term.children)))
            matched.add(name);
      }
      names =
        names === undefined ? matched : new Set([...names].filter((name) => matched.has(name)));
    }
    for (const name of names ?? []) found.add(name);
  }
  return found;
}

/** The space-separated criteria of `--select`/`--exclude` values (a union). */
function criteria(specs: readonly string[] | undefined): string[] {
  return (specs ?? []).flatMap((spec) => spec.split(/\s+/)).filter((spec) => spec.length > 0);
}

/** Each criterion as its comma-joined terms (an intersection). */
function split(specs: readonly string[] | undefined): Term[][] {
  return criteria(specs).map((spec) => spec.split(",").map(parseTerm));
}

const groupMatchesTest = (group: readonly Term[], test: TestNode) =>
  group.every((term) => testMatches(term, test));

function parseTerm(text: string): Term {
  const match = /^(?:(\d*)\+)?(?:([a-z_.]+):)?(.+?)(?:\+(\d*))?$/.exec(text);
  const value = match?.[3];
  if (!match || value === undefined) throw configError(`cannot read the selector '${text}'`);
  const method = match[2] ?? "default";
  if (method !== "default" && !(METHODS as readonly string[]).includes(method)) {
    throw configError(`unknown selector method '${method}:' in '${text}'`, {
      hint: `use one of ${METHODS.join(", ")}`,
    });
  }
  const graphDepth = (digits: string | undefined, present: boolean) =>
    !present ? undefined : digits ? Number(digits) : ("all" as const);
  return {
    method: method as Term["method"],
    value,
    parents: graphDepth(match[1], text.startsWith("+") || /^\d+\+/.test(text)),
    children: graphDepth(match[4], /\+\d*$/.test(text)),
  };
}

const depthOf = (depth: number | "all"): number | undefined =>
  depth === "all" ? undefined : depth;

function modelMatches(term: Term, model: ModelNode): boolean {
  switch (term.method) {
    case "default":
      return term.value.includes("/") || term.value.endsWith(".sql")
        ? pathMatches(term.value, model.file.path)
        : nameMatches(term.value, model.name) || fqnMatches(term.value, model.fqn);
    case "name":
      return nameMatches(term.value, model.name);
    case "fqn":
      return fqnMatches(term.value, model.fqn);
    case "path":
      return pathMatches(term.value, model.file.path);
    case "tag":
      return model.config.tags.includes(term.value);
    case "source":
      return model.sources.some((key) => key === term.value || key.startsWith(`${term.value}.`));
    case "config.materialized":
      return model.config.materialized === term.value;
  }
}

function testMatches(term: Term, test: TestNode): boolean {
  switch (term.method) {
    case "default":
    case "name":
    case "fqn":
      return nameMatches(term.value, test.name);
    case "path":
      return pathMatches(term.value, test.path);
    case "tag":
      return test.config.tags.includes(term.value);
    default:
      return false;
  }
}

function nameMatches(pattern: string, name: string): boolean {
  if (!pattern.includes("*")) return pattern === name;
  const regex = new RegExp(`^${pattern.split("*").map(escapeRegex).join(".*")}$`);
  return regex.test(name);
}

/** `staging` or `staging.psa` selects the models in that folder, as dbt's fqn method does. */
function fqnMatches(pattern: string, fqn: readonly string[]): boolean {
  const parts = pattern.split(".");
  const inner = fqn[0] === parts[0] ? fqn : fqn.slice(1);
  return parts.every(
    (part, index) => inner[index] !== undefined && nameMatches(part, inner[index] as string),
  );
}

function pathMatches(pattern: string, path: string): boolean {
  const wanted = pattern.replace(/^\.\//, "").replace(/\/+$/, "");
  return path === wanted || path.startsWith(`${wanted}/`);
}

const escapeRegex = (text: string) => text.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
