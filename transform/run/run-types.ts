import type { LockWait } from "../../warehouse/short-lock-waits.js";
import type { Row, Warehouse } from "../../warehouse/warehouse.js";
import type { BuiltAs } from "../graph/manifest-types.js";

/** How one model fared: `skipped` when something it depends on failed. */
export type NodeStatus = "success" | "error" | "skipped";

export interface NodeResult {
  readonly name: string;
  /** `schema.table` as built. */
  readonly relation: string;
  readonly materialized: BuiltAs;
  readonly status: NodeStatus;
  /** Rows in the built table, or rows merged by an incremental run; none for views. */
  readonly rows?: number;
  readonly durationMs: number;
  readonly error?: string;
  readonly compiledSql?: string;
  /**
   * What a successful build could not keep: views built on the relation it replaced that do
   * not fit the new one (with their definitions), or a grant or owner of one made again.
   */
  readonly warnings?: readonly string[];
}

export interface BuildResult {
  /** True when no model failed or was skipped and the on-run-end hooks ran. */
  readonly ok: boolean;
  readonly nodes: readonly NodeResult[];
  readonly durationMs: number;
  /** Why an on-run-end hook failed (an on-run-start hook's failure is thrown: nothing ran). */
  readonly hookError?: string;
}

/** `warn` is a failing test whose severity is warn; `error` is a test that could not run. */
export type TestStatus = "pass" | "fail" | "warn" | "error";

export interface TestOutcome {
  readonly name: string;
  readonly status: TestStatus;
  readonly severity: "error" | "warn";
  /** Number of failing rows. */
  readonly failures: number;
  /** Up to five failing rows, to show what is wrong. */
  readonly sampleRows: readonly Row[];
  readonly durationMs: number;
  readonly error?: string;
  readonly compiledSql?: string;
}

export interface TestResult {
  /** True when no test failed at severity error, none errored and the on-run-end hooks ran. */
  readonly ok: boolean;
  readonly tests: readonly TestOutcome[];
  readonly durationMs: number;
  /** Why an on-run-end hook failed (an on-run-start hook's failure is thrown: nothing ran). */
  readonly hookError?: string;
}

/** Progress events, for the CLI log, the scheduler and Dagster. */
export type TransformEvent =
  | { kind: "parsed"; models: number; tests: number; selected: number }
  | {
      kind: "node-started";
      name: string;
      materialized: BuiltAs;
      index: number;
      total: number;
    }
  | { kind: "node-finished"; result: NodeResult; index: number; total: number }
  | { kind: "test-started"; name: string; index: number; total: number }
  | { kind: "test-finished"; result: TestOutcome; index: number; total: number };

/** Options every transform job takes. */
export interface TransformOptions {
  warehouse: Warehouse;
  /** Folder holding dbt_project.yml. */
  projectDir: string;
  select?: readonly string[];
  exclude?: readonly string[];
  /** Overrides for the project's `vars:` (dbt's `--vars`). */
  vars?: Readonly<Record<string, unknown>>;
  /** `target.schema`; default `main` on DuckDB, `public` on PostgreSQL. */
  targetSchema?: string;
  onEvent?: (event: TransformEvent) => void;
}

export interface BuildOptions extends TransformOptions {
  /** Rebuild incremental models from scratch. */
  fullRefresh?: boolean;
  /** How long a model's swap waits for its readers on PostgreSQL (`DEFAULT_LOCK_WAIT`). */
  lockWait?: LockWait;
}
