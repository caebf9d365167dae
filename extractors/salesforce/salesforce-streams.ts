import type { StreamDefinition } from "../engine/define-stream.js";
import type { SalesforceRequest } from "./salesforce-request.js";
import { accountStream } from "./streams/account-stream.js";
import { opportunityStream } from "./streams/opportunity-stream.js";

/** Every Salesforce stream pslink extracts. */
export const SALESFORCE_STREAMS: readonly StreamDefinition<SalesforceRequest>[] = [
  accountStream,
  opportunityStream,
];
