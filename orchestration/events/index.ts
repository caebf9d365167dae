/** Translators from each job's own results to the JobEvents orchestrators receive. */

export { applyRunFailure, reportApplyRun } from "./apply-job-events.js";
export {
  type CatalogAsset,
  listModelAssets,
  modelAssetCatalog,
  syncAssetCatalog,
  testSubjects,
} from "./asset-catalog.js";
export * from "./asset-keys.js";
export { buildRunFailure, reportBuildRun, reportBuildToPipes } from "./build-job-events.js";
export { loadModelManifest } from "./model-manifest.js";
export { reportPlanRun } from "./plan-job-events.js";
export { reportSettings } from "./report-settings.js";
export { reportSyncRun, reportSyncToPipes, syncRunFailure } from "./sync-job-events.js";
export { reportTestRun, reportTestsToPipes, testRunFailure } from "./test-job-events.js";
