import type nunjucks from "nunjucks";
import type { EnvironmentWithTests } from "./nunjucks-internals.js";

const isMapping = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Reads `kwargs.attribute` the way Jinja's `map(attribute='x')` passes it. */
function attributeOf(kwargs: unknown): string | undefined {
  return isMapping(kwargs) && typeof kwargs.attribute === "string" ? kwargs.attribute : undefined;
}

/** Adds the filters and tests dbt projects rely on and nunjucks does not ship. */
export function installDbtFilters(env: nunjucks.Environment): void {
  env.addFilter("tojson", (value: unknown) => JSON.stringify(value ?? null));
  env.addFilter("fromjson", (value: unknown) => JSON.parse(String(value)));
  env.addFilter("as_text", (value: unknown) =>
    value === undefined || value === null ? "" : String(value),
  );
  env.addFilter("as_native", (value: unknown) => value);
  env.addFilter("as_number", (value: unknown) => Number(value));
  env.addFilter("as_bool", (value: unknown) =>
    typeof value === "string" ? value.trim().toLowerCase() === "true" : Boolean(value),
  );
  env.addFilter("unique", (value: unknown) => (Array.isArray(value) ? [...new Set(value)] : value));
  env.addFilter("map", function map(this: unknown, value: unknown, how: unknown) {
    if (!Array.isArray(value)) return value;
    const attribute = attributeOf(how);
    if (attribute !== undefined) {
      return value.map((item: unknown) => (isMapping(item) ? item[attribute] : undefined));
    }
    const filter = typeof how === "string" ? env.getFilter(how) : undefined;
    return filter ? value.map((item: unknown) => filter.call(this, item)) : value;
  });

  const tests = env as unknown as EnvironmentWithTests;
  tests.addTest("none", (value: unknown) => value === null || value === undefined);
  tests.addTest("mapping", isMapping);
  tests.addTest("sequence", (value: unknown) => Array.isArray(value) || typeof value === "string");
  tests.addTest("iterable", (value: unknown) => Array.isArray(value) || typeof value === "string");
  tests.addTest("boolean", (value: unknown) => typeof value === "boolean");
  tests.addTest("integer", (value: unknown) => Number.isInteger(value));
  tests.addTest("float", (value: unknown) => typeof value === "number" && !Number.isInteger(value));
}
