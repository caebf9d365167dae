import type { SystemName } from "../sandbox/world/types.js";
import type { StreamDefinition } from "./engine/define-stream.js";
import { KANTATA_STREAMS } from "./kantata/kantata-streams.js";
import { NETSUITE_STREAMS } from "./netsuite/netsuite-streams.js";
import { SALESFORCE_STREAMS } from "./salesforce/salesforce-streams.js";
import { workersStream } from "./workday/streams/workers-stream.js";

/** Every declared stream by system (docs, conformance checks, `pslink sync --stream` help). */
export const STREAM_CATALOG: Readonly<Record<SystemName, readonly StreamDefinition[]>> = {
  salesforce: SALESFORCE_STREAMS,
  netsuite: NETSUITE_STREAMS,
  kantata: KANTATA_STREAMS,
  workday: [workersStream],
};
