import { z } from "zod";

/** Materialisations the embedded runner builds. */
export const MATERIALIZATIONS = ["view", "table", "incremental", "ephemeral"] as const;
export type Materialization = (typeof MATERIALIZATIONS)[number];

const tags = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]));

/** A model's resolved config (dbt_project.yml folders < properties YAML < `config()` call). */
export const modelConfigSchema = z.looseObject({
  materialized: z.enum(MATERIALIZATIONS, {
    error: (issue) =>
      `${JSON.stringify(issue.input)} is not supported by the embedded runner (use ${MATERIALIZATIONS.join(", ")})`,
  }),
  schema: z.string().nullish(),
  alias: z.string().nullish(),
  tags,
  enabled: z.boolean().default(true),
  unique_key: z.union([z.string(), z.array(z.string()).min(1)]).nullish(),
  full_refresh: z.boolean().nullish(),
  incremental_strategy: z
    .enum(["delete+insert", "append"], {
      error: () => "the embedded runner supports delete+insert and append",
    })
    .nullish(),
});
export type ModelConfig = z.infer<typeof modelConfigSchema>;

/** A data test's resolved config. */
export const testConfigSchema = z.looseObject({
  severity: z
    .string()
    .default("error")
    .transform((value) => value.toLowerCase())
    .pipe(z.enum(["error", "warn"], { error: () => "must be error or warn" })),
  where: z.string().nullish(),
  tags,
  enabled: z.boolean().default(true),
});
export type TestConfig = z.infer<typeof testConfigSchema>;

/** Config keys dbt lets a test spec carry next to its arguments (the pre-1.10 spelling). */
export const TEST_CONFIG_KEYS = new Set([
  "severity",
  "where",
  "tags",
  "enabled",
  "limit",
  "warn_if",
  "error_if",
  "fail_calc",
  "store_failures",
  "meta",
]);

/** Keys the runner cannot honour; a project that sets them gets an error, not a silent skip. */
export const UNSUPPORTED_MODEL_KEYS = ["pre-hook", "post-hook", "pre_hook", "post_hook"] as const;

/** Merges config layers: later layers win, except tags, which accumulate (as in dbt). */
export function mergeConfig(
  ...layers: ReadonlyArray<Readonly<Record<string, unknown>>>
): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  const allTags: string[] = [];
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      if (key === "tags") {
        allTags.push(...(Array.isArray(value) ? value.map(String) : [String(value)]));
      } else {
        merged[key] = value;
      }
    }
  }
  if (allTags.length > 0) merged.tags = [...new Set(allTags)];
  return merged;
}
