import { configError } from "../../core/errors.js";
import type { RelationLike } from "./relation.js";

/** dbt renders every file twice: `parse` discovers refs and configs, `execute` builds SQL. */
export type RenderPhase = "parse" | "execute";

/** What templates see as `model` (a small subset of dbt's node dict). */
export interface NodeInfo {
  readonly unique_id: string;
  readonly name: string;
  readonly resource_type: "model" | "seed" | "test" | "operation";
  readonly original_file_path: string;
  readonly fqn: readonly string[];
  readonly package_name: string;
}

/** Resolves `ref` and `source` calls to relations; the manifest implements it. */
export interface RelationResolver {
  ref(name: string, from: NodeInfo): RelationLike;
  source(sourceName: string, tableName: string, from: NodeInfo): RelationLike;
}

export interface RenderSessionOptions {
  phase: RenderPhase;
  node: NodeInfo;
  resolver: RelationResolver;
  /** Project vars overlaid with the run's `--vars`. */
  vars: Readonly<Record<string, unknown>>;
  /** Config from dbt_project.yml folders and property files, before `config()` calls. */
  baseConfig: Readonly<Record<string, unknown>>;
  thisRelation?: RelationLike;
  isIncremental?: boolean;
  fullRefresh?: boolean;
}

/** The state of one render: what it referenced and configured, and what it may ask about. */
export class RenderSession {
  readonly refs: string[] = [];
  readonly sources: Array<readonly [string, string]> = [];
  readonly configCalls: Record<string, unknown> = {};
  readonly logs: string[] = [];

  constructor(readonly options: RenderSessionOptions) {}

  get node(): NodeInfo {
    return this.options.node;
  }

  ref(name: string): RelationLike {
    this.refs.push(name);
    return this.options.resolver.ref(name, this.options.node);
  }

  source(sourceName: string, tableName: string): RelationLike {
    this.sources.push([sourceName, tableName]);
    return this.options.resolver.source(sourceName, tableName, this.options.node);
  }

  /** Records a `config(...)` call; tags add up, other keys override. */
  config(values: Readonly<Record<string, unknown>>): void {
    for (const [key, value] of Object.entries(values)) {
      this.configCalls[key] = value;
    }
  }

  /** `config.get(key, default)`: `config()` calls win over YAML and folder config. */
  configValue(key: string, fallback: unknown): unknown {
    if (Object.hasOwn(this.configCalls, key)) return this.configCalls[key];
    if (Object.hasOwn(this.options.baseConfig, key)) return this.options.baseConfig[key];
    return fallback;
  }

  /** `var(name, default)`: a missing var without a default is a compilation error, as in dbt. */
  variable(name: string, fallback: { given: boolean; value: unknown }): unknown {
    if (Object.hasOwn(this.options.vars, name)) return this.options.vars[name];
    if (fallback.given) return fallback.value;
    throw configError(`required var '${name}' is not set`, {
      hint: `define it under vars: in dbt_project.yml or pass --vars '{"${name}": …}'`,
    });
  }
}
