import { assertNever } from "../../core/errors.js";
import { toPipesAssetKey } from "./pipes-asset-key.js";
import type { JobEvent, JobEventSink } from "./pipes-events.js";
import type { PipesSession } from "./pipes-session.js";

/**
 * Translates job events into Pipes messages. An event for an asset outside the step's selection
 * (the job wrote more tables than Dagster asked about) is logged at debug level rather than
 * reported, since Dagster rejects results for assets the step does not own.
 */
export function attachPipes(session: PipesSession): JobEventSink {
  return (event: JobEvent) => {
    if (event.kind !== "log" && !session.inScope(event.assetKey)) {
      const key = toPipesAssetKey(event.assetKey);
      session.log(`${event.kind} for ${key} not reported: outside this Dagster step`, "debug");
      return;
    }
    switch (event.kind) {
      case "asset_written":
        session.reportMaterialization(
          event.assetKey,
          {
            "dagster/row_count": event.rows,
            cursor: event.cursor,
            duration_ms: event.durationMs,
            ...event.metadata,
          },
          event.dataVersion,
        );
        return;
      case "check":
        session.reportAssetCheck({
          assetKey: event.assetKey,
          checkName: event.checkName,
          passed: event.passed,
          severity: event.severity,
          metadata: event.metadata,
        });
        return;
      case "log":
        session.log(event.message, event.level);
        return;
      default:
        assertNever(event, "job event");
    }
  };
}
