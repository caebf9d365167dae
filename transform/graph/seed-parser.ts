import { CsvError, parse as parseCsv } from "csv-parse/sync";
import { z } from "zod";
import { configError } from "../../core/errors.js";
import type { WarehouseKind } from "../../warehouse/warehouse.js";
import type { NodeInfo } from "../jinja/render-session.js";
import { folderConfig } from "../project/folder-config.js";
import { mergeConfig, modelConfigSchema } from "../project/node-config.js";
import { nodeName, type ProjectFile } from "../project/project-loader.js";
import type { ModelNode } from "./manifest-types.js";
import { foldersOf, type ParseContext, parseNodeConfig, relationFor } from "./model-parser.js";

/** The seed config keys the runner reads (dbt's names); the rest are a model's. */
const seedConfigSchema = z.looseObject({
  column_types: z.record(z.string(), z.string()).default({}),
  delimiter: z.string().length(1, { message: "a delimiter is one character" }).default(","),
});

/**
 * Parses one CSV seed into a node that builds a table of its rows, as `dbt seed` does: the first
 * line names the columns, an empty cell is null, and each column's type is inferred from its
 * values unless `column_types` names one.
 */
export function parseSeed(context: ParseContext, file: ProjectFile): ModelNode | undefined {
  const { project } = context;
  const name = nodeName(file);
  const folders = foldersOf(project, file, "seed-paths");
  const info: NodeInfo = {
    unique_id: `seed.${project.name}.${name}`,
    name,
    resource_type: "seed",
    original_file_path: file.path,
    fqn: [project.name, ...folders, name],
    package_name: project.name,
  };
  const configValues = mergeConfig(
    folderConfig(project.file.seeds, project.name, [...folders, name]),
    project.seedProperties.get(name)?.properties.config ?? {},
    { materialized: "table" },
  );
  const config = parseNodeConfig(modelConfigSchema, file.path, configValues);
  if (!config.enabled) return undefined;
  const seedConfig = parseNodeConfig(seedConfigSchema, file.path, configValues);
  const { header, rows } = readCsv(file, seedConfig.delimiter);
  const types = columnTypes(file, header, rows, seedConfig.column_types, context.target.type);
  return {
    kind: "model",
    name,
    file,
    fqn: info.fqn,
    info,
    config,
    configValues,
    relation: relationFor(context, info, config),
    dependsOn: [],
    sources: [],
    body: { kind: "seed", sql: seedSelect(header, types, rows, context.quote), rows: rows.length },
  };
}

type Cell = string | null;

function readCsv(file: ProjectFile, delimiter: string): { header: string[]; rows: Cell[][] } {
  let records: string[][];
  try {
    records = parseCsv(file.source, { delimiter, bom: true, skip_empty_lines: true });
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    throw configError(`${file.path}: not valid CSV: ${error.message}`, {
      hint: "every line needs as many cells as the header; quote cells that hold the delimiter",
    });
  }
  const [header, ...body] = records;
  if (!header) {
    throw configError(`${file.path}: a seed needs a header line naming its columns`);
  }
  const seen = new Set<string>();
  for (const [index, column] of header.entries()) {
    if (column.trim() === "")
      throw configError(`${file.path}: column ${index + 1} of the header has no name`);
    if (seen.has(column)) throw configError(`${file.path}: two columns are named ${column}`);
    seen.add(column);
  }
  return { header, rows: body.map((row) => row.map((cell) => (cell === "" ? null : cell))) };
}

/** Inferred from the values, like dbt's agate types; `column_types` wins. */
const INFERRED: ReadonlyArray<{ test: RegExp; type: Record<WarehouseKind, string> }> = [
  { test: /^(true|false)$/i, type: { duckdb: "boolean", postgres: "boolean" } },
  { test: /^[-+]?\d{1,18}$/, type: { duckdb: "bigint", postgres: "bigint" } },
  { test: /^\d{4}-\d{2}-\d{2}$/, type: { duckdb: "date", postgres: "date" } },
  {
    test: /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$/,
    type: { duckdb: "timestamp", postgres: "timestamp" },
  },
];
const DECIMAL = /^[-+]?(\d*)\.?(\d*)$/;

function columnTypes(
  file: ProjectFile,
  header: readonly string[],
  rows: readonly Cell[][],
  declared: Readonly<Record<string, string>>,
  kind: WarehouseKind,
): string[] {
  const unknown = Object.keys(declared).filter((column) => !header.includes(column));
  if (unknown.length > 0) {
    throw configError(
      `${file.path}: column_types names ${unknown.join(", ")}, not a column of the seed`,
      { hint: `its columns are ${header.join(", ")}` },
    );
  }
  return header.map((column, index) => {
    const type = declared[column];
    if (type !== undefined) return type;
    const values = rows.map((row) => row[index]).filter((cell): cell is string => cell != null);
    return inferType(values, kind);
  });
}

function inferType(values: readonly string[], kind: WarehouseKind): string {
  const text = kind === "duckdb" ? "varchar" : "text";
  if (values.length === 0) return text;
  const inferred = INFERRED.find(({ test }) => values.every((value) => test.test(value)));
  if (inferred) return inferred.type[kind];
  // Exact decimals, wide enough for every value (a float would change the seed's numbers).
  let digits = 0;
  let scale = 0;
  for (const value of values) {
    const match = DECIMAL.exec(value);
    if (!match || (match[1] === "" && match[2] === "")) return text;
    digits = Math.max(digits, (match[1] ?? "").replace(/^0+/, "").length);
    scale = Math.max(scale, (match[2] ?? "").length);
  }
  if (digits + scale > 38) return text;
  return kind === "duckdb" ? `decimal(${Math.max(digits + scale, 1)}, ${scale})` : "numeric";
}

/** One select of the rows as text literals, each column cast to its type. */
function seedSelect(
  header: readonly string[],
  types: readonly string[],
  rows: readonly Cell[][],
  quote: (identifier: string) => string,
): string {
  const placeholders = header.map((_, index) => `c${index + 1}`);
  const columns = header
    .map(
      (column, index) => `    cast(${placeholders[index]} as ${types[index]}) as ${quote(column)}`,
    )
    .join(",\n");
  if (rows.length === 0) {
    const nulls = header
      .map((column, index) => `    cast(null as ${types[index]}) as ${quote(column)}`)
      .join(",\n");
    return `select\n${nulls}\nwhere false`;
  }
  const literal = (cell: Cell) => (cell === null ? "null" : `'${cell.replaceAll("'", "''")}'`);
  const values = rows.map((row) => `    (${row.map(literal).join(", ")})`).join(",\n");
  return `select\n${columns}\nfrom (values\n${values}\n) as seed_rows (${placeholders.join(", ")})`;
}
