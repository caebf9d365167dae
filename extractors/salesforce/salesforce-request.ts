import { defineStream, type StreamInput } from "../engine/define-stream.js";

/** What a Salesforce stream declares: the sObject it queries. Fields come from the schema. */
export interface SalesforceRequest {
  readonly object: string;
}

/** Salesforce streams: key `Id`, cursor `SystemModstamp`, unless declared otherwise. */
export const salesforceStream = (
  input: Omit<StreamInput<SalesforceRequest>, "primaryKey" | "cursor" | "request"> &
    Partial<Pick<StreamInput<SalesforceRequest>, "primaryKey" | "cursor" | "request">>,
) =>
  defineStream<SalesforceRequest>({
    primaryKey: "Id",
    cursor: "SystemModstamp",
    request: { object: input.name },
    ...input,
  });
