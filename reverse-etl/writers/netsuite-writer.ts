import { fatalError, PslinkError } from "../../core/errors.js";
import type { HttpResponse } from "../../extractors/engine/http-client.js";
import { isObject } from "../../extractors/engine/response-shape.js";
import type { PeriodRow } from "../period-guard.js";
import { decimalHours, toDuration } from "./netsuite-duration.js";
import { DURATION_FIELDS, NETSUITE_OBJECTS } from "./netsuite-objects.js";
import type { WriteClient } from "./write-client.js";
import type { WriteOutcome, WriteRequest, Writer } from "./writer-types.js";

/**
 * NetSuite record service writer: timeBill create (with `externalId`) and update, job
 * create/update, customer upsert by external id; an update is one `PATCH …/<type>/<id>`.
 * NetSuite has no idempotency key, so every create carries an external id and a crash or lost
 * reply is resolved by `GET …/<type>/eid:<externalId>`. A time bill's `hours` goes out as the
 * duration `H:MM` the record service takes and is read back as the decimal hours SuiteQL lands;
 * the closed accounting periods are read by SuiteQL, for the apply's closed-period guard.
 * @see https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1545222128.html
 * @see https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_164439865832.html
 * @see https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_157909186990.html
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
      return record ? landedColumns(object, record) : undefined;
    },

    closedPeriods: () => closedPeriods(baseUrl, client),

    async findByExternalId(object, externalId) {
      const record = await client.read<Record<string, unknown>>({
        url: url(object, `eid:${externalId}`),
      });
      return record && record.id !== undefined ? String(record.id) : undefined;
    },

    attempt(request: WriteRequest): Promise<WriteOutcome> {
      const { object, targetId } = request;
      const fields = restFields(object, request.fields);
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

/** The values as the record service takes them: duration fields as `H:MM`. */
function restFields(
  object: string,
  fields: Readonly<Record<string, unknown>>,
): Readonly<Record<string, unknown>> {
  const durations = (DURATION_FIELDS[object] ?? []).filter((field) => field in fields);
  if (durations.length === 0) return fields;
  const out = { ...fields };
  for (const field of durations) out[field] = toDuration(fields[field]) ?? fields[field];
  return out;
}

/**
 * A REST record in SuiteQL (landed) column names: lower case, references by id, duration fields
 * as decimal hours (a number read as it is).
 */
function landedColumns(object: string, record: Record<string, unknown>): Record<string, unknown> {
  const durations = new Set(DURATION_FIELDS[object]?.map((field) => field.toLowerCase()));
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(record)) {
    if (name === "links") continue;
    const column = name.toLowerCase();
    out[column] = isObject(value) && "id" in value ? String(value.id) : value;
    if (durations.has(column)) out[column] = decimalHours(value);
  }
  return out;
}

const PERIODS_PAGE = 1000;

/**
 * The closed accounting periods, paged by SuiteQL (dates through `TO_CHAR`: a bare date comes
 * in the user's date preference). A read that keeps failing throws the client's transient error.
 */
async function closedPeriods(baseUrl: string, client: WriteClient): Promise<PeriodRow[]> {
  try {
    return await readClosedPeriods(baseUrl, client);
  } catch (error) {
    if (!(error instanceof PslinkError) || error.kind === "transient") throw error;
    throw new PslinkError(
      error.kind,
      `netsuite's accounting periods could not be read, so no time bill is posted: ${error.message}`,
      {
        cause: error,
        hint:
          error.hint ??
          "check that the integration role may query accountingperiod through SuiteQL (pslink sync lands it with the same role), then apply again",
      },
    );
  }
}

async function readClosedPeriods(baseUrl: string, client: WriteClient): Promise<PeriodRow[]> {
  const q =
    "SELECT id, periodname, TO_CHAR(startdate, 'YYYY-MM-DD') AS startdate, TO_CHAR(enddate, 'YYYY-MM-DD') AS enddate, closed FROM accountingperiod WHERE closed = 'T' ORDER BY id";
  const rows: PeriodRow[] = [];
  for (let offset = 0; ; offset += PERIODS_PAGE) {
    const page = await client.read<{ items?: unknown; hasMore?: unknown }>({
      method: "POST",
      url: `${baseUrl}/services/rest/query/v1/suiteql?limit=${PERIODS_PAGE}&offset=${offset}`,
      headers: { prefer: "transient" },
      json: { q },
    });
    if (!page || !Array.isArray(page.items))
      throw fatalError("the SuiteQL answer has no items array");
    for (const item of page.items) if (isObject(item)) rows.push(item);
    if (page.hasMore !== true) return rows;
  }
}
