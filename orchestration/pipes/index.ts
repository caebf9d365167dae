/** Dagster Pipes for pslink: the external side of the protocol, in TypeScript. */
export { type AssetKeyInput, fromPipesAssetKey, toPipesAssetKey } from "./pipes-asset-key.js";
export { isLaunchedByDagster, type PipesEnv } from "./pipes-bootstrap.js";
export {
  addPipesOption,
  type PipesCommandContext,
  type WithPipesOptions,
  withPipes,
} from "./pipes-command.js";
export { attachPipes } from "./pipes-event-adapter.js";
export type { JobEvent, JobEventKind, JobEventSink } from "./pipes-events.js";
export { pipesExceptionFrom } from "./pipes-exception.js";
export {
  inferMetadataValue,
  type MetadataInput,
  type PipesMetadataValue,
  pipesMetadata,
} from "./pipes-metadata.js";
export * from "./pipes-protocol.js";
export {
  type AssetCheckReport,
  type LogLevel,
  type OpenPipesOptions,
  openPipesSession,
  PipesSession,
} from "./pipes-session.js";
