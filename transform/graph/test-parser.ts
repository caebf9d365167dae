import { configError } from "../../core/errors.js";
import { issuesText, plainIssueMessage } from "../../core/plain-issues.js";
import type { JinjaRuntime } from "../jinja/jinja-runtime.js";
import { type NodeInfo, RenderSession } from "../jinja/render-session.js";
import { folderConfig } from "../project/folder-config.js";
import { mergeConfig, TEST_CONFIG_KEYS, testConfigSchema } from "../project/node-config.js";
import { nodeName, type ProjectFile } from "../project/project-loader.js";
import type { ColumnProperties, TestEntry } from "../project/project-schema.js";
import type { TestNode, TestSubject } from "./manifest-types.js";
import { type ParseContext, parseResolver } from "./model-parser.js";

/** A generic test as written in YAML, split into its name, arguments and config. */
interface TestSpec {
  testName: string;
  args: Record<string, unknown>;
  config: Record<string, unknown>;
  customName: string | undefined;
}

/** The data tests declared in properties YAML (models, seeds and sources) and as SQL files. */
export function parseTests(context: ParseContext, enabledModels: ReadonlySet<string>): TestNode[] {
  const { project } = context;
  const tests: TestNode[] = [];
  for (const [name, entry] of [...project.modelProperties, ...project.seedProperties]) {
    if (!enabledModels.has(name)) continue;
    const subject: TestSubject = { kind: "model", name };
    tests.push(...testsOf(context, subject, name, entry.properties, entry.path));
  }
  for (const [key, table] of project.sources) {
    const subject: TestSubject = { kind: "source", key };
    const label = `source_%s_${table.sourceName}_${table.tableName}`;
    tests.push(...testsOf(context, subject, label, table.properties, table.propertiesPath));
  }
  for (const file of project.singularTests) tests.push(parseSingularTest(context, file));
  return uniqueNames(tests);
}

interface TestedProperties {
  data_tests?: readonly TestEntry[] | undefined;
  tests?: readonly TestEntry[] | undefined;
  columns: readonly ColumnProperties[];
}

function testsOf(
  context: ParseContext,
  subject: TestSubject,
  label: string,
  properties: TestedProperties,
  path: string,
): TestNode[] {
  const declared: Array<{ entry: TestEntry; column: string | undefined }> = [
    ...(properties.data_tests ?? properties.tests ?? []).map((entry) => ({
      entry,
      column: undefined,
    })),
    ...properties.columns.flatMap((column) =>
      (column.data_tests ?? column.tests ?? []).map((entry) => ({ entry, column: column.name })),
    ),
  ];
  return declared.map(({ entry, column }) =>
    genericTest(context, subject, label, specOf(entry, path), column, path),
  );
}

function genericTest(
  context: ParseContext,
  subject: TestSubject,
  label: string,
  spec: TestSpec,
  column: string | undefined,
  path: string,
): TestNode {
  const { project, runtime } = context;
  const testName = spec.testName.slice(spec.testName.lastIndexOf(".") + 1);
  const macroName = `test_${testName}`;
  if (!runtime.hasMacro(macroName)) {
    throw configError(`${path}: no generic test named ${testName}`, {
      hint: `define {% test ${testName}(model, column_name) %} in the macro paths or tests/generic/`,
    });
  }
  const columnName = typeof spec.args.column_name === "string" ? spec.args.column_name : column;
  const subjectLabel = label.includes("%s")
    ? label.replace("%s", testName)
    : `${testName}_${label}`;
  const name = spec.customName ?? testNodeName(subjectLabel, columnName, spec.args);
  const info = testInfo(project.name, name, path);
  const session = new RenderSession({
    phase: "parse",
    node: info,
    resolver: parseResolver(context),
    vars: context.vars,
    baseConfig: {},
  });
  renderTestArguments(runtime, session, spec.args, path);
  const folders = path.split("/").slice(1, -1);
  const config = testConfig(mergeConfig(testFolderConfig(context, folders), spec.config), path);
  return {
    kind: "test",
    name,
    path,
    info,
    config,
    dependsOn: [...new Set([...(subject.kind === "model" ? [subject.name] : []), ...session.refs])],
    sources: [
      ...new Set([
        ...(subject.kind === "source" ? [subject.key] : []),
        ...session.sources.map(([source, table]) => `${source}.${table}`),
      ]),
    ],
    definition: { kind: "generic", testName, macroName, subject, columnName, args: spec.args },
  };
}

/**
 * Renders a generic test's arguments: `ref('x')` / `source('s', 't')` strings become relations
 * (as in dbt's YAML), strings holding `{{ … }}` are rendered, everything else is passed as is.
 */
export function renderTestArguments(
  runtime: JinjaRuntime,
  session: RenderSession,
  args: Readonly<Record<string, unknown>>,
  path: string,
): Record<string, unknown> {
  const rendered: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) {
    if (typeof value === "string" && /^\s*(ref|source)\s*\(.*\)\s*$/s.test(value)) {
      rendered[key] = runtime.renderString(`{{ ${value} }}`, session, path);
    } else if (typeof value === "string" && value.includes("{{")) {
      rendered[key] = runtime.renderString(value, session, path);
    } else {
      rendered[key] = value;
    }
  }
  return rendered;
}

function parseSingularTest(context: ParseContext, file: ProjectFile): TestNode {
  const { project, runtime } = context;
  const info = testInfo(project.name, nodeName(file), file.path);
  const template = runtime.compile(file.path, file.source);
  const session = new RenderSession({
    phase: "parse",
    node: info,
    resolver: parseResolver(context),
    vars: context.vars,
    baseConfig: {},
  });
  runtime.render(template, session);
  const folders = file.path.split("/").slice(1, -1);
  return {
    kind: "test",
    name: info.name,
    path: file.path,
    info,
    config: testConfig(
      mergeConfig(testFolderConfig(context, folders), session.configCalls),
      file.path,
    ),
    dependsOn: [...new Set(session.refs)],
    sources: [...new Set(session.sources.map(([source, table]) => `${source}.${table}`))],
    definition: { kind: "singular", template },
  };
}

function specOf(entry: TestEntry, path: string): TestSpec {
  if (typeof entry === "string")
    return { testName: entry, args: {}, config: {}, customName: undefined };
  const keys = Object.keys(entry);
  const testName = keys[0];
  if (keys.length !== 1 || testName === undefined) {
    throw configError(
      `${path}: a test entry names exactly one test, found ${keys.join(", ") || "none"}`,
    );
  }
  const { arguments: explicit, config, name, ...rest } = entry[testName] ?? {};
  const args: Record<string, unknown> = {};
  const legacyConfig: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) {
    if (TEST_CONFIG_KEYS.has(key)) legacyConfig[key] = value;
    else args[key] = value;
  }
  return {
    testName,
    args: { ...args, ...asRecord(explicit) },
    config: { ...legacyConfig, ...asRecord(config) },
    customName: typeof name === "string" ? name : undefined,
  };
}

/** dbt's naming: `not_null_orders_order_id`, `accepted_values_orders_status__a__b`. */
function testNodeName(
  label: string,
  column: string | undefined,
  args: Readonly<Record<string, unknown>>,
): string {
  const suffix = Object.entries(args)
    .filter(([key]) => key !== "column_name" && key !== "model")
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, value]) => (Array.isArray(value) ? value.join("__") : String(value)));
  const raw =
    [label, column].filter((part) => part !== undefined).join("_") +
    suffix.map((part) => `__${part}`).join("");
  return raw.replace(/[^A-Za-z0-9_]+/g, "_");
}

function testInfo(projectName: string, name: string, path: string): NodeInfo {
  return {
    unique_id: `test.${projectName}.${name}`,
    name,
    resource_type: "test",
    original_file_path: path,
    fqn: [projectName, name],
    package_name: projectName,
  };
}

function testFolderConfig(
  context: ParseContext,
  folders: readonly string[],
): Record<string, unknown> {
  const { file, name } = context.project;
  return mergeConfig(
    folderConfig(file.tests, name, folders),
    folderConfig(file.data_tests, name, folders),
  );
}

function testConfig(values: Record<string, unknown>, path: string) {
  const parsed = testConfigSchema.safeParse(values, { error: plainIssueMessage });
  if (!parsed.success) throw configError(`${path}: ${issuesText(parsed.error, "config")}`);
  return parsed.data;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** Two tests may come out with one name (same test twice); later ones get a counter. */
function uniqueNames(tests: TestNode[]): TestNode[] {
  const seen = new Map<string, number>();
  return tests.map((test) => {
    const count = seen.get(test.name) ?? 0;
    seen.set(test.name, count + 1);
    if (count === 0) return test;
    const name = `${test.name}_${count + 1}`;
    return {
      ...test,
      name,
      info: { ...test.info, name, unique_id: `test.${test.info.package_name}.${name}` },
    };
  });
}
