import type { z } from "zod";

/**
 * Plain words for zod's generic checks, given to `safeParse(…, { error: plainIssueMessage })`:
 * `must be at least 1, got 0`, `must be one of T, F; got 'Y'`, `expected text, got number 5`.
 * A schema's own message wins over these; anything not listed keeps zod's. Values are shown only
 * for numbers and choices, never for free text (which may be a secret in a config file).
 */
export function plainIssueMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return `missing (expected ${typeName(issue.expected)})`;
      return `expected ${typeName(issue.expected)}, got ${shownValue(issue.input)}`;
    case "too_small":
    case "too_big":
      return boundMessage(issue);
    case "invalid_value":
      return `must be ${choices(issue.values)}${got(issue.input)}`;
    case "invalid_union": {
      // A discriminated union (auth kinds, warehouse kinds): the path ends at the discriminator.
      const options = (issue as { options?: readonly unknown[] }).options;
      if (!options || options.length === 0) return undefined;
      const key = issue.path?.[issue.path.length - 1];
      const input = issue.input;
      const value =
        typeof input === "object" && input !== null && key !== undefined
          ? (input as Record<string, unknown>)[String(key)]
          : undefined;
      return `must be ${choices(options)}${got(value)}`;
    }
    default:
      return undefined;
  }
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  int: "a whole number",
  number: "a number",
  string: "text",
  boolean: "true or false",
  object: "a mapping",
  record: "a mapping",
  map: "a mapping",
  array: "a list",
};

/** How zod's expected type reads in a message (`int` → `a whole number`). */
export const typeName = (expected: string) => TYPE_NAMES[expected] ?? expected;

function boundMessage(
  issue: z.core.$ZodRawIssue<z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig>,
): string | undefined {
  const small = issue.code === "too_small";
  const bound = Number(small ? issue.minimum : issue.maximum);
  switch (issue.origin) {
    case "number":
    case "int": {
      const inclusive = issue.inclusive ?? true;
      const relation = small
        ? inclusive
          ? "at least"
          : "greater than"
        : inclusive
          ? "at most"
          : "less than";
      return `must be ${relation} ${bound}${got(issue.input)}`;
    }
    case "string":
      if (small && bound === 1) return "must not be empty";
      return `must be ${small ? "at least" : "at most"} ${bound} characters long`;
    case "array":
      return `must list ${small ? "at least" : "at most"} ${bound} item(s)`;
    default:
      return undefined;
  }
}

const choices = (values: readonly unknown[]) =>
  values.length === 1
    ? JSON.stringify(values[0])
    : `one of ${values.map((value) => String(value)).join(", ")}`;

/** `, got 0` for a number, `; got 'soap'` for a choice's text; a missing value says so. */
function got(value: unknown): string {
  if (value === undefined) return " (the key is missing)";
  if (typeof value === "number") return `, got ${value}`;
  if (typeof value === "string") return `; got '${value}'`;
  return `; got ${shownValue(value)}`;
}

/** A value's type, and the value itself for numbers and booleans: `number 5`, `text`, `a list`. */
function shownValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return "text";
  return `${typeof value} ${String(value)}`;
}

/** `path: message; path: message` for a failed parse, `whole` naming the root (`row`, `record`). */
export function issuesText(error: z.ZodError, whole = "(top level)", limit = 10): string {
  const shown = error.issues
    .slice(0, limit)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : whole}: ${issue.message}`);
  const more = error.issues.length - shown.length;
  return `${shown.join("; ")}${more > 0 ? `; and ${more} more` : ""}`;
}
