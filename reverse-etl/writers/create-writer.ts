import type { TargetSystem } from "../../core/config/governance-schema.js";
import type { PslinkConfig } from "../../core/config/index.js";
import { configError } from "../../core/errors.js";
import {
  describeKantataError,
  kantataAuthenticator,
} from "../../extractors/kantata/kantata-auth.js";
import {
  describeNetsuiteError,
  netsuiteAuthenticator,
} from "../../extractors/netsuite/netsuite-auth.js";
import {
  describeSalesforceError,
  salesforceAuthenticator,
} from "../../extractors/salesforce/salesforce-auth.js";
import { classifySalesforceError } from "../../extractors/salesforce/salesforce-errors.js";
import { createKantataWriter } from "./kantata-writer.js";
import { createNetsuiteWriter } from "./netsuite-writer.js";
import { createSalesforceWriter } from "./salesforce-writer.js";
import { WriteClient } from "./write-client.js";
import type { Writer } from "./writer-types.js";

/** The writer of a target system, on the credentials of its `sources:` section. */
export function createWriter(
  target: TargetSystem,
  config: Pick<PslinkConfig, "sources" | "governance">,
): Writer {
  const limits = config.governance.rate_limits[target];
  const missing = () =>
    configError(`sources.${target} is not configured, so pslink cannot write to ${target}`, {
      hint: `add a sources.${target} section (base_url and auth) to pslink.yml`,
    });
  switch (target) {
    case "netsuite": {
      const source = config.sources.netsuite;
      if (!source) throw missing();
      const client = new WriteClient({
        system: "netsuite",
        auth: netsuiteAuthenticator(source),
        limits,
        timeouts: source.http,
        describeBody: describeNetsuiteError,
      });
      return createNetsuiteWriter(source.base_url, client);
    }
    case "kantata": {
      const source = config.sources.kantata;
      if (!source) throw missing();
      const client = new WriteClient({
        system: "kantata",
        auth: kantataAuthenticator(source),
        limits,
        timeouts: source.http,
        describeBody: describeKantataError,
      });
      return createKantataWriter(source.base_url, client);
    }
    case "salesforce": {
      const source = config.sources.salesforce;
      if (!source) throw missing();
      const client = new WriteClient({
        system: "salesforce",
        auth: salesforceAuthenticator(source),
        limits,
        timeouts: source.http,
        describeBody: describeSalesforceError,
        classify: classifySalesforceError,
      });
      return createSalesforceWriter(
        `${source.base_url}/services/data/${source.api_version}`,
        client,
      );
    }
  }
}
