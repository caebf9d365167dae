import { z } from "zod";

const paths = (fallback: string) => z.array(z.string()).default([fallback]);
const anyRecord = z.record(z.string(), z.unknown());
/** A project hook list: one SQL string or several (dbt accepts both). */
const hooks = z
  .union([z.string(), z.array(z.string())])
  .default([])
  .transform((value) => (typeof value === "string" ? [value] : value));

/** `dbt_project.yml`: the keys the embedded runner reads; others are allowed and ignored. */
export const dbtProjectSchema = z.looseObject({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
    message: "a dbt project name is letters, digits and underscores",
  }),
  profile: z.string().optional(),
  "model-paths": paths("models"),
  "macro-paths": paths("macros"),
  "test-paths": paths("tests"),
  "seed-paths": paths("seeds"),
  vars: anyRecord.default({}),
  "on-run-start": hooks,
  "on-run-end": hooks,
  models: anyRecord.default({}),
  seeds: anyRecord.default({}),
  data_tests: anyRecord.default({}),
  tests: anyRecord.default({}),
});
export type DbtProjectFile = z.infer<typeof dbtProjectSchema>;

/** One entry of a `data_tests:` list: `unique`, or `{ accepted_values: { values: [...] } }`. */
const testEntry = z.union([z.string(), z.record(z.string(), z.union([anyRecord, z.null()]))]);
const testList = z.array(testEntry).optional();

const columnSchema = z.looseObject({
  name: z.string(),
  data_tests: testList,
  tests: testList,
});

const modelPropertiesSchema = z.looseObject({
  name: z.string(),
  config: anyRecord.optional(),
  columns: z.array(columnSchema).default([]),
  data_tests: testList,
  tests: testList,
});

const sourceTableSchema = z.looseObject({
  name: z.string(),
  identifier: z.string().optional(),
  columns: z.array(columnSchema).default([]),
  data_tests: testList,
  tests: testList,
});

const sourceSchema = z.looseObject({
  name: z.string(),
  schema: z.string().optional(),
  tables: z.array(sourceTableSchema).default([]),
});

/** A properties file (`models/**.yml`, `seeds/**.yml`): models, seeds' config, and sources. */
export const propertiesFileSchema = z.looseObject({
  version: z.number().optional(),
  models: z.array(modelPropertiesSchema).default([]),
  seeds: z.array(modelPropertiesSchema).default([]),
  sources: z.array(sourceSchema).default([]),
});

export type TestEntry = z.infer<typeof testEntry>;
export type ColumnProperties = z.infer<typeof columnSchema>;
export type ModelProperties = z.infer<typeof modelPropertiesSchema>;
/** A seed's entry: its config and column tests, as a model's. */
export type SeedProperties = ModelProperties;
export type SourceProperties = z.infer<typeof sourceSchema>;
export type SourceTableProperties = z.infer<typeof sourceTableSchema>;
