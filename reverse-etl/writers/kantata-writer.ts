import { fatalError } from "../../core/errors.js";
import { isObject } from "../../extractors/engine/response-shape.js";
import { KANTATA_OBJECTS } from "./kantata-objects.js";
import type { WriteClient } from "./write-client.js";
import type { WriteOutcome, WriteRequest, Writer } from "./writer-types.js";

/** Kantata wraps a resource's attributes in its singular name: `{"user": {...}}`. */
const SINGULAR: Record<string, string> = {
  users: "user",
  workspaces: "workspace",
  time_entries: "time_entry",
  invoices: "invoice",
  custom_field_values: "custom_field_value",
};

type Body = Record<string, unknown> | undefined;

/**
 * Kantata OX writer: users (incl. deactivation and cost rate), workspaces, time entries and
 * invoice status by `PUT /<resource>/<id>.json`; custom field values by POST (creating
 * replaces them, so it is an upsert keyed `<subject_type>:<subject_id>:<custom_field_id>`).
 * Every write is an idempotent set: a crash is resolved by re-reading the record.
 * @see https://developer.kantata.com/
 */
export function createKantataWriter(baseUrl: string, client: WriteClient): Writer {
  const record = (body: Body, object: string, id?: string) => {
    const map = body && isObject(body[object]) ? (body[object] as Record<string, unknown>) : {};
    const found = id === undefined ? Object.values(map)[0] : map[id];
    return isObject(found) ? found : undefined;
  };

  const readCustomValue = async (key: string) => {
    const [subjectType = "", subjectId = "", fieldId = ""] = key.split(":");
    const query = new URLSearchParams({ subject_type: subjectType, subject_id: subjectId });
    const body = await client.read<Record<string, unknown>>({
      url: `${baseUrl}/custom_field_values.json?${query}`,
    });
    const map = body && isObject(body.custom_field_values) ? body.custom_field_values : {};
    const found = Object.values(map).find(
      (value) => isObject(value) && String(value.custom_field_id) === fieldId,
    );
    return isObject(found) ? found : undefined;
  };

  const read = async (object: string, id: string) => {
    if (object === "custom_field_values") return readCustomValue(id);
    const body = await client.read<Record<string, unknown>>({
      url: `${baseUrl}/${object}/${encodeURIComponent(id)}.json`,
    });
    return record(body, object, id);
  };

  return {
    system: "kantata",
    objects: KANTATA_OBJECTS,
    read,

    /** Only custom field values are keyed without a Kantata id (their subject and field). */
    async findByExternalId(object, key) {
      if (object !== "custom_field_values") return undefined;
      return (await readCustomValue(key)) ? key : undefined;
    },

    attempt(request: WriteRequest): Promise<WriteOutcome> {
      const { object, fields } = request;
      const wrapper = SINGULAR[object] ?? object;
      switch (request.operation) {
        case "update":
        case "deactivate": {
          if (request.targetId === null)
            throw fatalError(`${request.operation} of ${object} needs a target id`);
          const url = `${baseUrl}/${object}/${encodeURIComponent(request.targetId)}.json`;
          return client.write(
            { method: "PUT", url, json: { [wrapper]: fields } },
            () => request.targetId,
          );
        }
        case "upsert":
          return client.write(
            { method: "POST", url: `${baseUrl}/${object}.json`, json: { [wrapper]: fields } },
            () => request.targetId,
          );
        default:
          throw fatalError(`the kantata writer does not ${request.operation} ${object}`);
      }
    },
  };
}
