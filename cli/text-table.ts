/** A column of a plain-text table. */
export interface TextColumn<T> {
  header: string;
  value: (row: T) => string | number | null | undefined;
  align?: "left" | "right";
}

/** Renders rows as an aligned plain-text table (header, rule, rows), for terminals and logs. */
export function textTable<T>(rows: readonly T[], columns: readonly TextColumn<T>[]): string {
  const cells = rows.map((row) => columns.map((column) => String(column.value(row) ?? "")));
  const widths = columns.map((column, i) =>
    Math.max(column.header.length, ...cells.map((line) => (line[i] ?? "").length)),
  );
  const render = (line: readonly string[]) =>
    line
      .map((cell, i) => {
        const width = widths[i] ?? 0;
        return columns[i]?.align === "right" ? cell.padStart(width) : cell.padEnd(width);
      })
      .join("  ")
      .trimEnd();
  return [
    render(columns.map((column) => column.header)),
    render(widths.map((width) => "-".repeat(width))),
    ...cells.map(render),
  ].join("\n");
}
