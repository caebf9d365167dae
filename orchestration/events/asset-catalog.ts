import type { PslinkConfig } from "../../core/config/index.js";
import { STREAM_CATALOG } from "../../extractors/stream-catalog.js";
import type { SystemName } from "../../sandbox/world/types.js";
import type { Manifest, ModelNode, TestNode } from "../../transform/graph/manifest-types.js";
import { Relation } from "../../transform/jinja/relation.js";
import {
  type AssetKey,
  EXCEPTIONS_RELATION,
  FRESHNESS_CHECK,
  QUARANTINE_CHECK,
  RECONCILIATION_CHECK,
  rawAssetKey,
  srcAssetKey,
  testCheckName,
} from "./asset-keys.js";
import { loadModelManifest, type ModelManifestOptions } from "./model-manifest.js";

/** A check an asset carries, as an orchestrator declares it. */
export interface CatalogCheck {
  name: string;
  severity: "WARN" | "ERROR";
  description?: string;
}

/** One asset a pslink command writes (`pslink sync|build --list-assets` prints these as JSON). */
export interface CatalogAsset {
  asset_key: AssetKey;
  kind: "raw" | "src" | "model";
  /** The source system of a raw or current-state table (its Dagster partition). */
  system?: SystemName;
  stream?: string;
  configured?: boolean;
  /** The dbt model name (what `pslink build --select` takes). */
  model?: string;
  materialized?: string;
  group: string;
  deps: AssetKey[];
  checks: CatalogCheck[];
  description?: string;
}

/**
 * Every stream's raw and current-state table, from the declared stream catalog; `configured`
 * says whether a plain `pslink sync` syncs it (its system is configured, the stream enabled).
 */
export function syncAssetCatalog(sources: PslinkConfig["sources"]): CatalogAsset[] {
  return Object.entries(STREAM_CATALOG).flatMap(([name, streams]) => {
    const system = name as SystemName;
    return streams.flatMap((stream) => {
      const raw = rawAssetKey(system, stream.name);
      const common = {
        system,
        stream: stream.name,
        group: system,
        configured: sources[system]?.streams[stream.name]?.enabled ?? sources[system] !== undefined,
      };
      return [
        {
          ...common,
          asset_key: raw,
          kind: "raw" as const,
          deps: [],
          checks: [],
          description: `Append-only landing of ${system} ${stream.name}`,
        },
        {
          ...common,
          asset_key: srcAssetKey(system, stream.name),
          kind: "src" as const,
          deps: [raw],
          checks: [
            {
              name: QUARANTINE_CHECK,
              severity: "WARN" as const,
              description: "no record of this stream was quarantined in the run",
            },
            {
              name: FRESHNESS_CHECK,
              severity: "WARN" as const,
              description: "the stream's cursor is within the allowed lag of now",
            },
          ],
          description: `Current state of ${system} ${stream.name}: one row per key, soft deletes`,
        },
      ];
    });
  });
}

/** The project's built models (ephemeral ones are inlined, so they are no assets) with their checks. */
export function modelAssetCatalog(manifest: Manifest): CatalogAsset[] {
  const checks = new Map<string, CatalogCheck[]>();
  for (const [name, key] of testSubjects(manifest)) {
    const test = manifest.tests.find((t) => t.name === name);
    const list = checks.get(key.join(".")) ?? [];
    list.push({
      name: testCheckName(name),
      severity: test?.config.severity === "warn" ? "WARN" : "ERROR",
    });
    checks.set(key.join("."), list);
  }
  return [...manifest.models.values()].flatMap((model) => {
    const key = modelAssetKey(model);
    if (!key) return [];
    const own = checks.get(key.join(".")) ?? [];
    if (key.join(".") === EXCEPTIONS_RELATION) {
      own.push({
        name: RECONCILIATION_CHECK,
        severity: "ERROR",
        description: "open exceptions per rule are within their maximum",
      });
    }
    return [
      {
        asset_key: key,
        kind: "model" as const,
        model: model.name,
        materialized: model.config.materialized,
        group: key[0] ?? "models",
        deps: [...upstreamKeys(manifest, model), ...sourceKeys(manifest, model)],
        checks: own,
      },
    ];
  });
}

/** Which model asset each data test checks; tests on sources or on several models are left out. */
export function testSubjects(manifest: Manifest): Map<string, AssetKey> {
  const subjects = new Map<string, AssetKey>();
  for (const test of manifest.tests) {
    const model = manifest.models.get(subjectModel(test) ?? "");
    const key = model && modelAssetKey(model);
    if (key) subjects.set(test.name, key);
  }
  return subjects;
}

function subjectModel(test: TestNode): string | undefined {
  if (test.definition.kind === "generic") {
    return test.definition.subject.kind === "model" ? test.definition.subject.name : undefined;
  }
  return test.dependsOn.length === 1 && test.sources.length === 0 ? test.dependsOn[0] : undefined;
}

function modelAssetKey(model: ModelNode): AssetKey | undefined {
  return model.relation instanceof Relation
    ? [model.relation.schema, model.relation.identifier]
    : undefined;
}

/** Upstream model assets, looking through ephemeral models (they are inlined). */
function upstreamKeys(manifest: Manifest, model: ModelNode): AssetKey[] {
  return model.dependsOn.flatMap((name) => {
    const upstream = manifest.models.get(name);
    if (!upstream) return [];
    const key = modelAssetKey(upstream);
    return key ? [key] : [...upstreamKeys(manifest, upstream), ...sourceKeys(manifest, upstream)];
  });
}

function sourceKeys(manifest: Manifest, model: ModelNode): AssetKey[] {
  return model.sources.flatMap((name) => {
    const table = manifest.project.sources.get(name);
    return table ? [[table.schema, table.identifier]] : [];
  });
}

/** The assets `pslink build` writes, parsed from the project without opening the warehouse. */
export async function listModelAssets(options: ModelManifestOptions): Promise<CatalogAsset[]> {
  return modelAssetCatalog(await loadModelManifest(options));
}
