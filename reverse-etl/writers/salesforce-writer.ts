import { fatalError } from "../../core/errors.js";
import { columnName } from "../../extractors/engine/define-stream.js";
import { isObject } from "../../extractors/engine/response-shape.js";
import { SALESFORCE_OBJECTS } from "./salesforce-objects.js";
import type { WriteClient } from "./write-client.js";
import type { WriteOutcome, WriteRequest, Writer } from "./writer-types.js";

/** sObject Collections take at most this many records per call. */
export const SALESFORCE_BATCH_LIMIT = 200;

/**
 * Salesforce REST writer: update by Id, upsert by external id, sObject Collections for
 * batches of updates. Updates are idempotent sets: a crash is resolved by re-reading.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_update.htm
 */
export function createSalesforceWriter(
  dataUrl: string,
  client: WriteClient,
): Writer & {
  attemptBatch(requests: readonly WriteRequest[]): Promise<WriteOutcome[]>;
} {
  const sobject = (object: string, ...parts: string[]) =>
    `${dataUrl}/sobjects/${object}/${parts.map(encodeURIComponent).join("/")}`;

  return {
    system: "salesforce",
    objects: SALESFORCE_OBJECTS,

    async read(object, id) {
      const record = await client.read<Record<string, unknown>>({ url: sobject(object, id) });
      if (!record) return undefined;
      const { attributes: _attributes, ...values } = record;
      return Object.fromEntries(
        Object.entries(values).map(([field, value]) => [columnName(field), value]),
      );
    },

    /** Upserts key on `Id` unless the object declares an external id field (then SOQL finds it). */
    async findByExternalId(object, externalId) {
      const field = SALESFORCE_OBJECTS[object]?.externalIdField;
      if (field === undefined) {
        const record = await client.read<Record<string, unknown>>({
          url: sobject(object, externalId),
        });
        return record && typeof record.Id === "string" ? record.Id : undefined;
      }
      const soql = `SELECT Id FROM ${object} WHERE ${field} = '${externalId.replace(/['\\]/g, "\\$&")}'`;
      const body = await client.read<{ records?: Array<{ Id?: string }> }>({
        url: `${dataUrl}/query?q=${encodeURIComponent(soql)}`,
      });
      return body?.records?.[0]?.Id;
    },

    attempt(request) {
      const { object, fields } = request;
      switch (request.operation) {
        case "update": {
          if (request.targetId === null) throw fatalError(`update of ${object} needs a target id`);
          return client.write(
            { method: "PATCH", url: sobject(object, request.targetId), json: fields },
            () => request.targetId,
          );
        }
        case "upsert": {
          const field = SALESFORCE_OBJECTS[object]?.externalIdField ?? "Id";
          const key = request.externalId ?? request.targetId;
          if (key === null) throw fatalError(`upsert of ${object} needs an external id`);
          const { [field]: _key, ...values } = fields;
          return client.write(
            { method: "PATCH", url: sobject(object, field, key), json: values },
            (response) => {
              const body = parse(response.body);
              return isObject(body) && typeof body.id === "string" ? body.id : request.targetId;
            },
          );
        }
        default:
          throw fatalError(`the salesforce writer does not ${request.operation} ${object}`);
      }
    },

    /** One sObject Collections call for up to 200 updates; per-record results, not all-or-none. */
    async attemptBatch(requests) {
      const records = requests.map((request) => ({
        attributes: { type: request.object },
        id: request.targetId,
        ...request.fields,
      }));
      const { response, call } = await client.exchange({
        method: "PATCH",
        url: `${dataUrl}/composite/sobjects`,
        json: { allOrNone: false, records },
      });
      const outcome = client.classify(response, call, () => null);
      if (outcome.kind !== "applied") return requests.map(() => outcome);
      const results = parse(response.body);
      return requests.map((request, i) => {
        const result = Array.isArray(results) ? results[i] : undefined;
        if (!isObject(result) || result.success === true) {
          return { kind: "applied", targetId: request.targetId, call: outcome.call } as const;
        }
        const error =
          Array.isArray(result.errors) && isObject(result.errors[0]) ? result.errors[0] : {};
        return {
          kind: "rejected",
          message: `${String(error.statusCode ?? "ERROR")}: ${String(error.message ?? "")}`,
          call: outcome.call,
        } as const;
      });
    },
  };
}

function parse(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
