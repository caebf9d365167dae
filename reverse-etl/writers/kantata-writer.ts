import { fatalError } from "../../core/errors.js";
import { isObject } from "../../extractors/engine/response-shape.js";
import { CUSTOM_FIELD_VALUES, KANTATA_OBJECTS } from "./kantata-objects.js";
import type { WriteClient } from "./write-client.js";
import { keyValues, type WriteOutcome, type WriteRequest, type Writer } from "./writer-types.js";

/** Kantata wraps a resource's attributes in its singular name: `{"user": {...}}`. */
const SINGULAR: Record<string, string> = {
  users: "user",
  workspaces: "workspace",
  time_entries: "time_entry",
  invoices: "invoice",
  custom_field_values: "custom_field_value",
};

type Body = Record<string, unknown> | undefined;

/** Kantata's largest page. */
const CUSTOM_VALUES_PER_PAGE = 200;

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

  /**
   * The subject's value of the field `<subject_type>:<subject_id>:<custom_field_id>` names. The list
   * is asked for the one subject (`subject_id`); Kantata's documentation names only `subject_type`
   * as this list's filter, so the value is looked for page by page, and a tenant that ignores the
   * subject filter costs more requests, never a wrong answer.
   */
  const readCustomValue = async (key: string) => {
    const wanted = keyValues(CUSTOM_FIELD_VALUES, key);
    if (!wanted) return undefined;
    for (let page = 1; ; page++) {
      const query = new URLSearchParams({
        subject_type: wanted.subject_type ?? "",
        subject_id: wanted.subject_id ?? "",
        per_page: String(CUSTOM_VALUES_PER_PAGE),
        page: String(page),
      });
      const body = await client.read<Record<string, unknown>>({
        url: `${baseUrl}/custom_field_values.json?${query}`,
      });
      const map = body && isObject(body.custom_field_values) ? body.custom_field_values : {};
      const found = Object.values(map).find(
        (value) =>
          isObject(value) &&
          String(value.subject_id) === wanted.subject_id &&
          String(value.custom_field_id) === wanted.custom_field_id,
      );
      if (isObject(found)) return found;
      const meta = body && isObject(body.meta) ? body.meta : {};
      const pageCount = typeof meta.page_count === "number" ? meta.page_count : 1;
      if (page >= pageCount || Object.keys(map).length === 0) return undefined;
    }
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
          if (object === "custom_field_values") checkCustomValueKey(request);
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

/**
 * A custom field value's target id is its key, `<subject_type>:<subject_id>:<custom_field_id>`,
 * and must name what the write sets: it is how the write is found again and verified.
 */
function checkCustomValueKey(request: WriteRequest): void {
  const key =
    request.targetId === null ? undefined : keyValues(CUSTOM_FIELD_VALUES, request.targetId);
  if (!key) {
    throw fatalError(
      `upsert of custom_field_values needs the target id <subject_type>:<subject_id>:<custom_field_id>, not ${request.targetId ?? "none"}`,
    );
  }
  const differing = Object.entries(key).filter(
    ([field, value]) => String(request.fields[field] ?? "") !== value,
  );
  if (differing.length > 0) {
    throw fatalError(
      `upsert of custom_field_values ${request.targetId}: its fields set ${differing
        .map(([field]) => `${field} ${String(request.fields[field] ?? "(none)")}`)
        .join(", ")}, not the target id's`,
    );
  }
}
