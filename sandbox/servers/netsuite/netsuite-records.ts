import type { Collection, SandboxRecord } from "../../world/types.js";
import { bodyJson, empty, isObject, json } from "../reply.js";
import type { ApiDeps, Reply, SandboxRequest } from "../server-types.js";
import { checkWrite, sampleRecord } from "../write-validation.js";
import { formatDuration, isDurationField, parseDuration } from "./netsuite-durations.js";
import { nsError } from "./netsuite-errors.js";

const READ_ONLY = ["id", "lastmodifieddate"];
const REQUIRED_ON_CREATE: Record<string, string[]> = {
  timebill: ["employee", "hours", "trandate"],
  job: ["companyname", "parent"],
  customer: ["companyname"],
  employee: ["entityid"],
};
/** REST names of the columns pslink reads back (SuiteQL is lower-case, REST is camelCase). */
const REST_NAMES: Record<string, string> = {
  externalid: "externalId",
  isbillable: "isBillable",
  trandate: "tranDate",
  approvalstatus: "approvalStatus",
  companyname: "companyName",
  entityid: "entityId",
  entitystatus: "entityStatus",
  isinactive: "isInactive",
  laborcost: "laborCost",
  lastmodifieddate: "lastModifiedDate",
  startdate: "startDate",
  projectedenddate: "projectedEndDate",
  projectedtotalvalue: "projectedTotalValue",
  jobbillingtype: "jobBillingType",
};
const REFERENCES = new Set(["employee", "customer", "subsidiary", "parent", "currency", "entity"]);

/**
 * NetSuite record service: create, update, upsert by external id, and read (for the
 * idempotent-retry lookup `GET …/timeBill/eid:<externalId>`). A time bill's `hours` is a duration
 * `H:MM` on this side and decimal hours in the world, as SuiteQL serves it.
 * @see https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1545222128.html
 */
export class NetsuiteRecords {
  constructor(private readonly deps: ApiDeps) {}

  create(request: SandboxRequest, type: string): Reply {
    const collection = this.collection(type);
    if (!collection) return nsError(404, "NONEXISTENT_ID", `Record type '${type}' does not exist.`);
    const parsed = this.fields(request, collection);
    if ("reply" in parsed) return parsed.reply;
    const fields = parsed.fields;
    const externalId = fields.externalid;
    if (typeof externalId === "string" && this.byExternalId(collection, externalId)) {
      return nsError(
        400,
        "DUP_RCRD",
        `A record with the same external ID already exists: ${externalId}.`,
        "externalId",
      );
    }
    const missing = (REQUIRED_ON_CREATE[collection.name] ?? []).find((f) => fields[f] == null);
    if (missing)
      return nsError(
        400,
        "USER_ERROR",
        `Please enter value(s) for: ${REST_NAMES[missing] ?? missing}`,
        REST_NAMES[missing] ?? missing,
      );
    const id = String(this.deps.ids.take(collection));
    this.store(collection, {
      ...blank(collection),
      ...autoNumbered(collection.name, id, fields),
      id,
    });
    return empty(204, { location: `${request.origin}/services/rest/record/v1/${type}/${id}` });
  }

  /** `PATCH …/<type>/<id>` or `…/<type>/eid:<externalId>` → 204. */
  update(request: SandboxRequest, type: string, key: string): Reply {
    const collection = this.collection(type);
    const existing = collection ? this.find(collection, key) : undefined;
    if (!collection || !existing)
      return nsError(404, "NONEXISTENT_ID", `Record ${type} ${key} was not found.`);
    const parsed = this.fields(request, collection);
    if ("reply" in parsed) return parsed.reply;
    const fields = parsed.fields;
    this.store(collection, { ...existing, ...fields });
    return empty(204);
  }

  /** `PUT …/<type>/eid:<externalId>`: update when it exists, create otherwise → 204. */
  upsert(request: SandboxRequest, type: string, key: string): Reply {
    const collection = this.collection(type);
    if (!collection || !key.startsWith("eid:")) {
      return nsError(400, "INVALID_PARAMETER", "Upsert needs a record type and eid:<externalId>.");
    }
    const existing = this.find(collection, key);
    if (existing) return this.update(request, type, key);
    const parsed = this.fields(request, collection);
    if ("reply" in parsed) return parsed.reply;
    const fields = parsed.fields;
    const id = String(this.deps.ids.take(collection));
    this.store(collection, {
      ...blank(collection),
      ...autoNumbered(collection.name, id, fields),
      externalid: key.slice(4),
      id,
    });
    return empty(204, { location: `${request.origin}/services/rest/record/v1/${type}/${id}` });
  }

  /** `GET …/<type>/<id>` or `…/<type>/eid:<externalId>`: 404 when absent. */
  read(request: SandboxRequest, type: string, key: string): Reply {
    const collection = this.collection(type);
    const record = collection ? this.find(collection, key) : undefined;
    if (!record) return nsError(404, "NONEXISTENT_ID", `Record ${type} ${key} was not found.`);
    const self = `${request.origin}/services/rest/record/v1/${type}/${record.id}`;
    const out: Record<string, unknown> = { links: [{ rel: "self", href: self }] };
    for (const [name, value] of Object.entries(record)) {
      if (value === null || value === undefined) continue;
      const restName = REST_NAMES[name] ?? name;
      out[restName] = REFERENCES.has(name)
        ? { id: String(value) }
        : isDurationField(collection?.name ?? "", name)
          ? formatDuration(value)
          : value === "T"
            ? true
            : value === "F"
              ? false
              : value;
    }
    return json(200, out);
  }

  private collection(type: string): Collection | undefined {
    const name = type.toLowerCase();
    return this.deps.world.collections("netsuite").find((c) => c.name === name);
  }

  private find(collection: Collection, key: string): SandboxRecord | undefined {
    return key.startsWith("eid:")
      ? this.byExternalId(collection, key.slice(4))
      : collection.get(key);
  }

  private byExternalId(collection: Collection, externalId: string): SandboxRecord | undefined {
    for (const record of collection.scan()) if (record.externalid === externalId) return record;
    return undefined;
  }

  /** The body in SuiteQL column form, or the validation error NetSuite would send. */
  private fields(
    request: SandboxRequest,
    collection: Collection,
  ): { fields: Record<string, unknown> } | { reply: Reply } {
    const body = bodyJson(request);
    if (!isObject(body)) {
      return { reply: nsError(400, "INVALID_CONTENT", "The request body must be a JSON object.") };
    }
    const sample = sampleRecord(collection);
    const fields: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(body)) {
      if (name === "links" || name === "refName") continue;
      const column = name.toLowerCase();
      if (isDurationField(collection.name, column) && typeof value === "string") {
        const hours = parseDuration(value);
        if (hours === undefined) {
          const detail = `Invalid field value: ${name} must be a duration H:MM (such as 4:00) or a number of hours, got ${JSON.stringify(value)}.`;
          return { reply: nsError(400, "INVALID_CONTENT", detail, name) };
        }
        fields[column] = hours;
        continue;
      }
      fields[column] = toColumn(value, sample?.[column]);
    }
    const problem = checkWrite(sample, fields, { readOnly: READ_ONLY });
    if (problem) {
      const path = REST_NAMES[problem.field] ?? problem.field;
      return {
        reply: nsError(400, "INVALID_CONTENT", `Invalid field value: ${problem.message}.`, path),
      };
    }
    return { fields };
  }

  private store(collection: Collection, record: SandboxRecord): void {
    collection.upsert(record, this.deps.now());
  }
}

/** Auto-numbering prefixes of entity records NetSuite names itself when `entityid` is not sent. */
const ENTITY_PREFIX: Record<string, string> = { job: "PRJ", customer: "CUST" };

/** Fields NetSuite fills in on create: the auto-numbered `entityid`, a job's `customer`. */
function autoNumbered(
  type: string,
  id: string,
  fields: Record<string, unknown>,
): Record<string, unknown> {
  const prefix = ENTITY_PREFIX[type];
  const filled = { ...fields };
  if (prefix && filled.entityid == null) filled.entityid = `${prefix}-${id}`;
  if (type === "job" && filled.customer == null) filled.customer = filled.parent;
  return filled;
}

/** REST values as the world keeps them: references by id, booleans T/F (dates stay YYYY-MM-DD). */
function toColumn(value: unknown, like: unknown): unknown {
  if (isObject(value) && "id" in value) return String(value.id);
  if (typeof value === "boolean" && (like === "T" || like === "F" || like === undefined))
    return value ? "T" : "F";
  return value;
}

function blank(collection: Collection): SandboxRecord {
  const sample = sampleRecord(collection) ?? {};
  return Object.fromEntries(Object.keys(sample).map((key) => [key, null]));
}
