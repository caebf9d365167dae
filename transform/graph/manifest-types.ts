import type { CompiledTemplate, JinjaRuntime } from "../jinja/jinja-runtime.js";
import type { RelationLike } from "../jinja/relation.js";
import type { NodeInfo } from "../jinja/render-session.js";
import type { Materialization, ModelConfig, TestConfig } from "../project/node-config.js";
import type { DbtProject, ProjectFile } from "../project/project-loader.js";

/**
 * What a node's table is built from: a model's Jinja SQL, or a seed's CSV rows already turned
 * into one select (CSV text never goes through Jinja).
 */
export type NodeBody =
  | { readonly kind: "sql"; readonly template: CompiledTemplate }
  | { readonly kind: "seed"; readonly sql: string; readonly rows: number };

/**
 * A model or a seed after the parse pass: its config, relation and what it depends on. A seed is
 * a node like a model (`ref()` names it, the build orders and selects it) whose table is its CSV.
 */
export interface ModelNode {
  readonly kind: "model";
  readonly name: string;
  readonly file: ProjectFile;
  readonly fqn: readonly string[];
  readonly info: NodeInfo;
  readonly config: ModelConfig;
  /** Everything config.get may read at execute time (all layers merged). */
  readonly configValues: Readonly<Record<string, unknown>>;
  readonly relation: RelationLike;
  /** Names of the models it refs. */
  readonly dependsOn: readonly string[];
  /** `source_name.table_name` keys it selects from. */
  readonly sources: readonly string[];
  readonly body: NodeBody;
}

/** What a generic test runs against: a model or a source table. */
export type TestSubject = { kind: "model"; name: string } | { kind: "source"; key: string };

export type TestDefinition =
  | {
      kind: "generic";
      testName: string;
      macroName: string;
      subject: TestSubject;
      columnName: string | undefined;
      args: Readonly<Record<string, unknown>>;
    }
  | { kind: "singular"; template: CompiledTemplate };

/** A data test: a query returning the rows that fail it. */
export interface TestNode {
  readonly kind: "test";
  readonly name: string;
  /** The YAML file that declares it, or its SQL file. */
  readonly path: string;
  readonly info: NodeInfo;
  readonly config: TestConfig;
  readonly dependsOn: readonly string[];
  readonly sources: readonly string[];
  readonly definition: TestDefinition;
}

/** The parsed project: everything a build or test run needs, nothing executed yet. */
export interface Manifest {
  readonly project: DbtProject;
  readonly runtime: JinjaRuntime;
  readonly vars: Readonly<Record<string, unknown>>;
  /** Enabled models and seeds by name. */
  readonly models: ReadonlyMap<string, ModelNode>;
  readonly tests: readonly TestNode[];
}

/** What a build makes of a node: a seed's table, or the model's materialisation. */
export type BuiltAs = Materialization | "seed";

export function builtAs(node: ModelNode): BuiltAs {
  return node.body.kind === "seed" ? "seed" : node.config.materialized;
}
