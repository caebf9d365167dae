export type { ConfigScope } from "./load.js";
export {
  configEnv,
  DEFAULT_CONFIG_FILE,
  loadConfig,
  parseConfig,
  resolveConfigPath,
} from "./load.js";
export type { Env } from "./primitives.js";
export type {
  DuckdbWarehouseConfig,
  PostgresWarehouseConfig,
  PslinkConfig,
  WarehouseConfig,
} from "./schema.js";
export { configSchema, postgresTargetProblem } from "./schema.js";
export type {
  KantataConfig,
  NetsuiteConfig,
  SalesforceConfig,
  SourceHttpConfig,
  SourceName,
  SourcesConfig,
  WorkdayConfig,
} from "./sources-schema.js";
export { SOURCE_NAMES } from "./sources-schema.js";
