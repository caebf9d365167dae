import type { ProjectFile } from "../project/project-loader.js";

/**
 * Where in a model's file the warehouse's error points, as a line to add to the error: the
 * warehouse numbers lines (DuckDB's `LINE 110:`) or characters (PostgreSQL's `position`) of the
 * statement it ran, which wraps the compiled SQL after one line of its own (`create … as (`). The
 * compiled line is found in the file by its text, which Jinja leaves as written on most lines;
 * otherwise the line of the compiled SQL is given, with its text.
 */
export function errorLocation(
  error: unknown,
  compiledSql: string,
  file: ProjectFile,
): string | undefined {
  const line = compiledLine(error, compiledSql);
  const text = line === undefined ? undefined : compiledSql.split("\n")[line - 1];
  if (line === undefined || text === undefined || text.trim() === "") return undefined;
  const wanted = text.trim();
  const found = file.source
    .split("\n")
    .flatMap((source, index) => (source.trim() === wanted ? [index + 1] : []));
  return found.length === 1
    ? `at ${file.path} line ${found[0]}: ${wanted}`
    : `at line ${line} of the compiled SQL of ${file.path} (what Jinja rendered): ${wanted}`;
}

/** The line of the compiled SQL the error names (the statement's line less its first). */
function compiledLine(error: unknown, compiledSql: string): number | undefined {
  const head = statementOf(error)?.indexOf("\n");
  for (let current = error; current instanceof Error; current = current.cause) {
    const duckdb = /\bLINE (\d+):/.exec(current.message);
    if (duckdb) return Number(duckdb[1]) - 1;
    const position = Number((current as { position?: unknown }).position);
    if (position > 0 && head !== undefined && head >= 0) {
      const offset = position - 1 - (head + 1);
      if (offset < 0 || offset > compiledSql.length) return undefined;
      return compiledSql.slice(0, offset).split("\n").length;
    }
  }
  return undefined;
}

/** The statement's text an error carries (`details.sql`, its first 500 characters). */
function statementOf(error: unknown): string | undefined {
  const details = (error as { details?: { sql?: unknown } }).details;
  return typeof details?.sql === "string" ? details.sql : undefined;
}
