/** The embedded dbt-compatible runner: the jobs and types the rest of pslink uses. */
export { buildModels } from "./run/build-models.js";
export { defaultTargetSchema } from "./run/open-project.js";
export type {
  BuildOptions,
  BuildResult,
  NodeResult,
  NodeStatus,
  TestOutcome,
  TestResult,
  TestStatus,
  TransformEvent,
  TransformOptions,
} from "./run/run-types.js";
export { testModels } from "./run/test-models.js";
