import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { configError } from "../../core/errors.js";
import { issuesText, plainIssueMessage } from "../../core/plain-issues.js";
import {
  type DbtProjectFile,
  dbtProjectSchema,
  type ModelProperties,
  propertiesFileSchema,
  type SeedProperties,
  type SourceTableProperties,
} from "./project-schema.js";

/** A file of the project; `path` is relative to the project folder, with `/` separators. */
export interface ProjectFile {
  readonly path: string;
  readonly source: string;
}

/** A `sources:` table, resolved to the relation it names. */
export interface SourceTable {
  readonly sourceName: string;
  readonly tableName: string;
  readonly schema: string;
  readonly identifier: string;
  readonly properties: SourceTableProperties;
  readonly propertiesPath: string;
}

export interface ModelPropertiesEntry {
  readonly properties: ModelProperties;
  readonly path: string;
}

export interface SeedPropertiesEntry {
  readonly properties: SeedProperties;
  readonly path: string;
}

/** A dbt project as read from disk, before any rendering. */
export interface DbtProject {
  readonly dir: string;
  readonly name: string;
  readonly file: DbtProjectFile;
  readonly models: readonly ProjectFile[];
  /** CSV files under the seed paths. */
  readonly seeds: readonly ProjectFile[];
  readonly macros: readonly ProjectFile[];
  readonly singularTests: readonly ProjectFile[];
  readonly modelProperties: ReadonlyMap<string, ModelPropertiesEntry>;
  readonly seedProperties: ReadonlyMap<string, SeedPropertiesEntry>;
  /** Keyed `source_name.table_name`. */
  readonly sources: ReadonlyMap<string, SourceTable>;
}

/** Reads a dbt project folder: dbt_project.yml, models, seeds, properties YAML, macros and tests. */
export async function loadProject(projectDir: string): Promise<DbtProject> {
  const dir = resolve(projectDir);
  const projectPath = join(dir, "dbt_project.yml");
  if (!existsSync(projectPath)) {
    throw configError(`no dbt project at ${dir}: dbt_project.yml is missing`, {
      hint: "point --project-dir at the folder that holds dbt_project.yml",
    });
  }
  const file = validate(dbtProjectSchema, await readYaml(projectPath), "dbt_project.yml");
  const modelFiles = await filesUnder(dir, file["model-paths"]);
  const seedFiles = await filesUnder(dir, file["seed-paths"]);
  const testFiles = await filesUnder(dir, file["test-paths"]);
  const isGenericTest = (path: string) =>
    file["test-paths"].some((root) => path.startsWith(`${trimSlash(root)}/generic/`));
  const models = await readAll(
    dir,
    modelFiles.filter((path) => path.endsWith(".sql")),
  );
  const seeds = await readAll(
    dir,
    seedFiles.filter((path) => path.endsWith(".csv")),
  );
  rejectDuplicateNames([...models, ...seeds]);
  const macros = await readAll(dir, [
    ...(await filesUnder(dir, file["macro-paths"])).filter((path) => path.endsWith(".sql")),
    ...testFiles.filter((path) => path.endsWith(".sql") && isGenericTest(path)),
  ]);
  const singularTests = await readAll(
    dir,
    testFiles.filter((path) => path.endsWith(".sql") && !isGenericTest(path)),
  );
  const modelProperties = new Map<string, ModelPropertiesEntry>();
  const seedProperties = new Map<string, SeedPropertiesEntry>();
  const sources = new Map<string, SourceTable>();
  for (const path of [...modelFiles, ...seedFiles].filter((name) => /\.ya?ml$/.test(name))) {
    const properties = validate(
      propertiesFileSchema,
      (await readYaml(join(dir, path))) ?? {},
      path,
    );
    for (const model of properties.models) {
      const previous = modelProperties.get(model.name);
      if (previous)
        throw configError(
          `model ${model.name} has properties in both ${previous.path} and ${path}`,
        );
      modelProperties.set(model.name, { properties: model, path });
    }
    for (const seed of properties.seeds) {
      const previous = seedProperties.get(seed.name);
      if (previous)
        throw configError(`seed ${seed.name} has properties in both ${previous.path} and ${path}`);
      seedProperties.set(seed.name, { properties: seed, path });
    }
    for (const source of properties.sources) {
      for (const table of source.tables) {
        sources.set(`${source.name}.${table.name}`, {
          sourceName: source.name,
          tableName: table.name,
          schema: source.schema ?? source.name,
          identifier: table.identifier ?? table.name,
          properties: table,
          propertiesPath: path,
        });
      }
    }
  }
  return {
    dir,
    name: file.name,
    file,
    models,
    seeds,
    macros,
    singularTests,
    modelProperties,
    seedProperties,
    sources,
  };
}

/** The name dbt gives a node: its file name without `.sql` (a seed's without `.csv`). */
export function nodeName(file: ProjectFile): string {
  return file.path.slice(file.path.lastIndexOf("/") + 1).replace(/\.(sql|csv)$/, "");
}

async function filesUnder(dir: string, roots: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const root of roots) {
    const absolute = join(dir, root);
    if (!existsSync(absolute)) continue;
    const entries = await readdir(absolute, { recursive: true, withFileTypes: true });
    for (const entry of entries) {
      if (!entry.isFile() || entry.name.startsWith(".")) continue;
      found.push(relative(dir, join(entry.parentPath, entry.name)).split(sep).join("/"));
    }
  }
  return found.sort();
}

async function readAll(dir: string, paths: readonly string[]): Promise<ProjectFile[]> {
  return Promise.all(
    paths.map(async (path) => ({ path, source: await readFile(join(dir, path), "utf8") })),
  );
}

async function readYaml(path: string): Promise<unknown> {
  try {
    return parseYaml(await readFile(path, "utf8"));
  } catch (error) {
    throw configError(`${path}: not valid YAML`, { cause: error });
  }
}

function validate<T extends z.ZodType>(schema: T, value: unknown, path: string): z.infer<T> {
  const result = schema.safeParse(value, { error: plainIssueMessage });
  if (result.success) return result.data;
  throw configError(`${path}: ${issuesText(result.error)}`);
}

/** Models and seeds share one namespace: `ref()` could not tell two of a name apart. */
function rejectDuplicateNames(nodes: readonly ProjectFile[]): void {
  const seen = new Map<string, string>();
  for (const node of nodes) {
    const name = nodeName(node);
    const other = seen.get(name);
    if (other) throw configError(`two nodes are named ${name}: ${other} and ${node.path}`);
    seen.set(name, node.path);
  }
}

const trimSlash = (path: string) => path.replace(/\/+$/, "");
