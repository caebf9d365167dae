import { type PslinkConfig, SOURCE_NAMES, type SourceName } from "../core/config/index.js";
import { configError } from "../core/errors.js";
import { closest } from "../core/suggest.js";
import type { OpenSource, StreamHandle } from "./engine/source.js";
import { STREAM_CATALOG } from "./stream-catalog.js";

/**
 * What a sync needs of the config beyond its schema (the stream catalog is too heavy for config
 * loading, so `pslink config check` and every sync call this): at least one source, and
 * `sources.<system>.streams:` keys that name declared streams, exactly as declared.
 */
export function checkSyncConfig(config: PslinkConfig): void {
  const configured = SOURCE_NAMES.filter((name) => config.sources[name] !== undefined);
  if (configured.length === 0) {
    throw configError(`no sources configured in ${config.file}: nothing to sync`, {
      hint: `add sources: with at least one of ${SOURCE_NAMES.join(", ")} (see examples/pslink.example.yml)`,
    });
  }
  const problems = configured.flatMap((system) => {
    const declared = STREAM_CATALOG[system].map((stream) => stream.name);
    return Object.keys(config.sources[system]?.streams ?? {})
      .filter((name) => !declared.includes(name))
      .map((name) => {
        const near = closest(name, declared);
        return `unknown stream '${name}' under sources.${system}.streams${near ? `; did you mean ${near}?` : ""} (${system} streams: ${declared.join(", ")})`;
      });
  });
  if (problems.length > 0) {
    throw configError(`${config.file}: ${problems.join("\n  ")}`, {
      hint: "stream names are case-sensitive: write them as listed",
    });
  }
}

/**
 * The streams `names` select (by name or `system.name`, any case; none: every enabled stream),
 * grouped by source. A name matching nothing is an error naming the nearest stream, or the
 * system when it is not configured or not selected.
 */
export function selectStreams(
  config: PslinkConfig,
  sources: readonly OpenSource[],
  names: readonly string[],
): { source: OpenSource; handles: StreamHandle[] }[] {
  const matches = (wanted: string, source: OpenSource, handle: StreamHandle) => {
    const name = handle.definition.name.toLowerCase();
    const w = wanted.toLowerCase();
    return w === name || w === `${source.system}.${name}`;
  };
  const unknown = names.filter(
    (wanted) => !sources.some((s) => s.streams.some((handle) => matches(wanted, s, handle))),
  );
  if (unknown.length > 0) throw unknownStreams(config, sources, unknown);
  return sources
    .map((source) => ({
      source,
      handles: source.streams.filter((handle) =>
        names.length > 0
          ? names.some((wanted) => matches(wanted, source, handle))
          : source.settings(handle.definition.name).enabled,
      ),
    }))
    .filter((entry) => entry.handles.length > 0);
}

function unknownStreams(config: PslinkConfig, sources: readonly OpenSource[], unknown: string[]) {
  const known = sources.flatMap((s) => s.streams.map((h) => `${s.system}.${h.definition.name}`));
  const reasons = unknown.map((wanted) => {
    const system = SOURCE_NAMES.find((name) => wanted.toLowerCase().startsWith(`${name}.`));
    if (system && !sources.some((source) => source.system === system))
      return config.sources[system as SourceName] === undefined
        ? `${wanted}: ${system} is not configured in ${config.file}`
        : `${wanted}: ${system} is left out by --source`;
    if (!system) {
      // A stream of a system the sync does not read: say why, rather than suggest a near name.
      const owner = SOURCE_NAMES.find(
        (name) =>
          !sources.some((source) => source.system === name) &&
          STREAM_CATALOG[name].some((stream) => stream.name.toLowerCase() === wanted.toLowerCase()),
      );
      if (owner)
        return config.sources[owner] === undefined
          ? `${wanted}: a ${owner} stream, and ${owner} is not configured in ${config.file}`
          : `${wanted}: a ${owner} stream, and ${owner} is left out by --source`;
    }
    // Under a system's prefix only its own stream names are candidates, judged on the name part,
    // so the shared prefix does not make every name look near.
    const near = system
      ? closest(
          wanted.slice(system.length + 1),
          known
            .filter((name) => name.startsWith(`${system}.`))
            .map((name) => name.slice(system.length + 1)),
        )
      : closest(wanted, [...known, ...known.map((name) => name.split(".")[1] ?? name)]);
    const suggestion = near && system ? `${system}.${near}` : near;
    return `${wanted}: unknown stream${suggestion ? `; did you mean ${suggestion}?` : ""}`;
  });
  return configError(`cannot select stream(s):\n  ${reasons.join("\n  ")}`, {
    hint: `streams of the selected sources: ${known.join(", ")}`,
  });
}
