import type { StreamCursor } from "../../loaders/stream-state-store.js";
import type { ExtractWindow, StreamHandle, StreamSettings } from "./source.js";

/** Systems without a delete feed re-scan keys this often unless `delete_scan_every` says otherwise. */
export const DEFAULT_DELETE_SCAN_EVERY_MS = 24 * 3_600_000;

export interface WindowInputs {
  handle: StreamHandle;
  state: StreamCursor;
  settings: StreamSettings;
  /** Where a first sync starts (the source's `start_date`). */
  startMs: number;
  windowEndMs: number;
  fullRefresh: boolean;
}

/**
 * Plans one stream's window (dlt's incremental semantics): initial value `startMs`, end value
 * closed at run start, start reaching back `lookback` before the committed cursor. A whole-stream
 * scan replaces it when asked, on first sync, for cursor-less streams, when a key scan is due,
 * or when a delete feed no longer reaches back to the cursor.
 */
export function planWindow(inputs: WindowInputs): ExtractWindow {
  const { handle, state, settings } = inputs;
  const toMs = inputs.windowEndMs;
  const full = keyScanWindow(inputs.startMs, toMs);
  if (inputs.fullRefresh || handle.fullScanOnly || handle.definition.cursor === null) return full;
  if (state.cursorMs === null) return full;
  const lookback = settings.lookback ?? handle.definition.lookback;
  const fromMs = Math.max(inputs.startMs, state.cursorMs - lookback);
  const every =
    settings.delete_scan_every ?? (handle.deletes ? undefined : DEFAULT_DELETE_SCAN_EVERY_MS);
  if (every !== undefined && (state.lastScanMs === null || toMs - state.lastScanMs >= every))
    return full;
  if (handle.deletes && toMs - fromMs > handle.deletes.historyMs) return full;
  return { fromMs, toMs, full: false };
}

/** The whole stream from the initial value to `toMs`: a key scan. */
export function keyScanWindow(startMs: number, toMs: number): ExtractWindow {
  return { fromMs: startMs, toMs, full: true };
}
