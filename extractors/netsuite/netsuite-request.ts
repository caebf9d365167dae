import { defineStream, type StreamInput } from "../engine/define-stream.js";

/**
 * What a NetSuite stream declares: the SuiteQL table and an optional extra filter.
 * SuiteQL leaves null columns out of an item, so optional columns are declared `.nullish()`.
 */
export interface NetsuiteRequest {
  readonly table: string;
  /** A condition ANDed to the incremental filter, e.g. `type = 'CustInvc'`. */
  readonly where?: string;
}

/** SuiteQL streams: key `id`, cursor `lastmodifieddate`, table = stream name, unless declared. */
export const netsuiteStream = (
  input: Omit<StreamInput<NetsuiteRequest>, "primaryKey" | "cursor" | "request"> &
    Partial<Pick<StreamInput<NetsuiteRequest>, "primaryKey" | "cursor" | "request">>,
) =>
  defineStream<NetsuiteRequest>({
    primaryKey: "id",
    cursor: "lastmodifieddate",
    request: { table: input.name },
    ...input,
  });

/** The SuiteQL table reference (records browser) every NetSuite stream follows. */
export const SUITEQL_DOCS =
  "https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_157909186990.html";
