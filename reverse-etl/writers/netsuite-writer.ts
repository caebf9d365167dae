import { fatalError } from "../../core/errors.js";
import type { HttpResponse } from "../../extractors/engine/http-client.js";
import { isObject } from "../../extractors/engine/response-shape.js";
import { NETSUITE_OBJECTS } from "./netsuite-objects.js";
import type { WriteClient } from "./write-client.js";
import type { WriteOutcome, WriteRequest, Writer } from "./writer-types.js";

/**
 * NetSuite record service writer: timeBill create (with `externalId`) and update, job
 * create/update, customer upsert by external id; an update is one `PATCH …/<type>/<id>`.
 * NetSuite has no idempotency key, so every create carries an external id and a crash or lost
 * reply is resolved by `GET …/<type>/eid:<externalId>`.
 * @see https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1545222128.html
 * @see https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_164439865832.html
 */
export function createNetsuiteWriter(baseUrl: string, client: WriteClient): Writer {
  const records = `${baseUrl}/services/rest/record/v1`;
  const url = (object: string, key: string) =>
    `${records}/${object}/${encodeURIComponent(key).replace("%3A", ":")}`;

  return {
    system: "netsuite",
    objects: NETSUITE_OBJECTS,

    async read(object, id) {
      const record = await client.read<Record<string, unknown>>({ url: url(object, id) });
      return record ? landedColumns(record) : undefined;
    },

    async findByExternalId(object, externalId) {
      const record = await client.read<Record<string, unknown>>({
        url: url(object, `eid:${externalId}`),
      });
      return record && record.id !== undefined ? String(record.id) : undefined;
    },

    attempt(request: WriteRequest): Promise<WriteOutcome> {
      const { object, fields, targetId } = request;
      switch (request.operation) {
        case "create":
          return client.write(
            { method: "POST", url: `${records}/${object}`, json: fields },
            idFromLocation,
          );
        case "update":
          return client.write(
            { method: "PATCH", url: url(object, requireId(request)), json: fields },
            () => targetId,
          );
        case "upsert": {
          const { externalId: _key, ...values } = fields;
          const key = request.externalId ?? requireId(request);
          return client.write(
            { method: "PUT", url: url(object, `eid:${key}`), json: values },
            (response) => idFromLocation(response) ?? targetId,
          );
        }
        default:
          throw fatalError(`the netsuite writer does not ${request.operation} ${object}`);
      }
    },
  };
}

function requireId(request: WriteRequest): string {
  if (request.targetId === null)
    throw fatalError(`${request.operation} of ${request.object} needs a target id`);
  return request.targetId;
}

/** A created record's id is the last segment of the `Location` header. */
function idFromLocation(response: HttpResponse): string | null {
  const location = response.headers.location;
  const value = Array.isArray(location) ? location[0] : location;
  return value ? (value.split("/").at(-1) ?? null) : null;
}

/** A REST record in SuiteQL (landed) column names: lower case, references by id. */
function landedColumns(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(record)) {
    if (name === "links") continue;
    out[name.toLowerCase()] = isObject(value) && "id" in value ? String(value.id) : value;
  }
  return out;
}
