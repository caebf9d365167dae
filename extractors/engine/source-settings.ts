import type { StreamSettings } from "./source.js";

/** The parts of every `sources.<system>` section the engine reads. */
export interface CommonSourceConfig {
  start_date: string;
  streams: Record<string, StreamSettings>;
}

const ENABLED: StreamSettings = { enabled: true };

/** Initial cursor value and per-stream overrides of a source section. */
export function sourceSettings(config: CommonSourceConfig): {
  startMs: number;
  settings(stream: string): StreamSettings;
} {
  return {
    startMs: Date.parse(`${config.start_date}T00:00:00Z`),
    settings: (stream) => config.streams[stream] ?? ENABLED,
  };
}

/** Joins a base URL and a path or absolute URL (vendors return both). */
export function joinUrl(base: string, path: string): string {
  if (/^https?:\/\//.test(path)) return path;
  return `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}
