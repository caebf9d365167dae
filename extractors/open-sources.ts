import type { PslinkConfig, SourceName } from "../core/config/index.js";
import { SOURCE_NAMES } from "../core/config/index.js";
import { configError } from "../core/errors.js";
import type { OpenOptions, OpenSource } from "./engine/source.js";
import { openKantata } from "./kantata/kantata-source.js";
import { openNetsuite } from "./netsuite/netsuite-source.js";
import { openSalesforce } from "./salesforce/salesforce-source.js";
import { openWorkday } from "./workday/workday-source.js";

/** Opens the configured sources (all, or those named), each with its own rate budget. */
export function openSources(
  config: PslinkConfig,
  only?: readonly string[],
  options: OpenOptions = {},
): OpenSource[] {
  const configured = SOURCE_NAMES.filter((name) => config.sources[name] !== undefined);
  for (const name of only ?? []) {
    if (!configured.includes(name as SourceName)) {
      throw configError(`source "${name}" is not configured`, {
        hint:
          configured.length > 0
            ? `configured sources: ${configured.join(", ")}`
            : "add it under sources: in pslink.yml",
      });
    }
  }
  const wanted =
    only && only.length > 0 ? configured.filter((name) => only.includes(name)) : configured;
  return wanted.map((name) => openSource(config, name, options));
}

function openSource(config: PslinkConfig, name: SourceName, options: OpenOptions): OpenSource {
  const { salesforce, netsuite, kantata, workday } = config.sources;
  switch (name) {
    case "salesforce":
      return openSalesforce(salesforce as NonNullable<typeof salesforce>, options);
    case "netsuite":
      return openNetsuite(netsuite as NonNullable<typeof netsuite>, options);
    case "kantata":
      return openKantata(kantata as NonNullable<typeof kantata>, options);
    case "workday":
      return openWorkday(workday as NonNullable<typeof workday>, options);
  }
}
