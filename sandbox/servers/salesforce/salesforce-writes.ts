import { salesforceStamp } from "../../world/calendar.js";
import type { Collection, SandboxRecord } from "../../world/types.js";
import { fieldResolver } from "../query/query-model.js";
import { bodyJson, empty, isObject, json } from "../reply.js";
import type { ApiDeps, Reply, SandboxRequest } from "../server-types.js";
import { checkWrite, sampleRecord, type WriteProblem } from "../write-validation.js";
import { sfError } from "./salesforce-errors.js";

const READ_ONLY = ["Id", "IsDeleted", "SystemModstamp", "CreatedDate", "IsWon", "IsClosed"];
const REQUIRED: Record<string, string[]> = {
  Account: ["Name"],
  Opportunity: ["Name", "StageName", "CloseDate"],
};
const MAX_COLLECTION = 200;
const ID_PREFIX: Record<string, string> = { Account: "001", Opportunity: "006" };

type Outcome = { ok: true; id: string; created: boolean } | { ok: false; reply: Reply };

/** sObject writes: update by Id, upsert by external id, and sObject Collections. */
export class SalesforceWrites {
  constructor(private readonly deps: ApiDeps) {}

  /** `PATCH /sobjects/<Object>/<Id>` → 204. */
  update(collection: Collection, id: string, request: SandboxRequest): Reply {
    const body = bodyJson(request);
    if (!isObject(body))
      return sfError(400, "JSON_PARSER_ERROR", "The body must be a JSON object.");
    const outcome = this.apply(collection, id, withoutAttributes(body));
    return outcome.ok ? empty(204) : outcome.reply;
  }

  /** `PATCH /sobjects/<Object>/<Field>/<value>` → 201 on create, 204 on update. */
  upsert(collection: Collection, fieldName: string, value: string, request: SandboxRequest): Reply {
    const body = bodyJson(request);
    if (!isObject(body))
      return sfError(400, "JSON_PARSER_ERROR", "The body must be a JSON object.");
    const field = fieldResolver(sampleRecord(collection))(fieldName);
    if (field === undefined) {
      return sfError(
        404,
        "NOT_FOUND",
        `Provided external ID field does not exist or is not accessible: ${fieldName}`,
      );
    }
    const changes = withoutAttributes(body);
    const matches: SandboxRecord[] = [];
    for (const record of collection.scan())
      if (String(record[field]) === value) matches.push(record);
    if (matches.length > 1) {
      return json(
        300,
        matches.map((record) => `/services/data/sobjects/${collection.name}/${record.Id}`),
      );
    }
    const found = matches[0];
    const outcome = found
      ? this.apply(collection, String(found.Id), changes)
      : this.create(collection, { ...changes, ...(field === "Id" ? {} : { [field]: value }) });
    if (!outcome.ok) return outcome.reply;
    return outcome.created
      ? json(201, { id: outcome.id, success: true, errors: [], created: true })
      : empty(204);
  }

  /** `PATCH /composite/sobjects`: up to 200 updates, per-record results, optional allOrNone. */
  collectionUpdate(request: SandboxRequest, objectOf: (name: string) => Collection | undefined) {
    const body = bodyJson(request);
    if (!isObject(body) || !Array.isArray(body.records)) {
      return sfError(400, "JSON_PARSER_ERROR", "The body must be {allOrNone, records: [...]}.");
    }
    if (body.records.length > MAX_COLLECTION) {
      return sfError(
        400,
        "EXCEEDED_ID_LIMIT",
        "record limit reached. cannot submit more than 200 records in a single call",
      );
    }
    const items = body.records.map((raw) => {
      const record = isObject(raw) ? raw : {};
      const type = isObject(record.attributes) ? String(record.attributes.type ?? "") : "";
      const id =
        typeof record.id === "string" ? record.id : typeof record.Id === "string" ? record.Id : "";
      const { id: _lower, Id: _upper, ...changes } = withoutAttributes(record);
      const collection = objectOf(type);
      const problem = !collection
        ? "INVALID_TYPE"
        : collection.get(id) === undefined
          ? "ENTITY_IS_DELETED"
          : this.problem(collection, changes);
      return { id, collection, changes, problem };
    });
    const failed = items.some((item) => item.problem !== undefined);
    const rollBack = body.allOrNone === true && failed;
    return json(
      200,
      items.map((item) => {
        if (item.problem !== undefined) {
          const problem = item.problem;
          const error =
            typeof problem === "string"
              ? { statusCode: problem, message: `cannot update record ${item.id}`, fields: [] }
              : {
                  statusCode: errorCodeOf(problem),
                  message: problem.message,
                  fields: [problem.field],
                };
          return { id: item.id, success: false, errors: [error] };
        }
        if (rollBack) {
          const message =
            "Record rolled back because not all records were valid and the request was using AllOrNone header";
          return {
            id: item.id,
            success: false,
            errors: [{ statusCode: "ALL_OR_NONE_OPERATION_ROLLED_BACK", message, fields: [] }],
          };
        }
        this.apply(item.collection as Collection, item.id, item.changes);
        return { id: item.id, success: true, errors: [] };
      }),
    );
  }

  private apply(collection: Collection, id: string, changes: Record<string, unknown>): Outcome {
    const existing = collection.get(id);
    if (!existing)
      return {
        ok: false,
        reply: sfError(404, "NOT_FOUND", "The requested resource does not exist"),
      };
    const problem = this.problem(collection, changes);
    if (problem) return { ok: false, reply: problemReply(problem) };
    collection.upsert(derive(collection.name, { ...existing, ...changes }), this.deps.now());
    return { ok: true, id, created: false };
  }

  private create(collection: Collection, fields: Record<string, unknown>): Outcome {
    const problem = this.problem(collection, fields);
    if (problem) return { ok: false, reply: problemReply(problem) };
    const missing = (REQUIRED[collection.name] ?? []).find((field) => fields[field] == null);
    if (missing)
      return {
        ok: false,
        reply: sfError(400, "REQUIRED_FIELD_MISSING", `Required fields are missing: [${missing}]`, [
          missing,
        ]),
      };
    const sample = sampleRecord(collection) ?? {};
    const blank = Object.fromEntries(Object.keys(sample).map((key) => [key, null]));
    const n = this.deps.ids.take(collection);
    const id = `${ID_PREFIX[collection.name] ?? "a00"}9s${String(n).padStart(10, "0")}QAA`;
    const now = this.deps.now();
    const record = {
      ...blank,
      ...fields,
      Id: id,
      IsDeleted: false,
      CreatedDate: salesforceStamp(now),
    };
    collection.upsert(derive(collection.name, record), now);
    return { ok: true, id, created: true };
  }

  private problem(collection: Collection, changes: Record<string, unknown>) {
    return checkWrite(sampleRecord(collection), changes, {
      readOnly: READ_ONLY,
      required: REQUIRED[collection.name] ?? [],
    });
  }
}

/** Formula fields follow the stage, as Salesforce computes them. */
function derive(object: string, record: SandboxRecord): SandboxRecord {
  if (object !== "Opportunity" || typeof record.StageName !== "string") return record;
  const stage = record.StageName;
  return { ...record, IsClosed: stage.startsWith("Closed"), IsWon: stage === "Closed Won" };
}

function withoutAttributes(body: Record<string, unknown>): Record<string, unknown> {
  const { attributes: _attributes, ...rest } = body;
  return rest;
}

function errorCodeOf(problem: WriteProblem): string {
  switch (problem.kind) {
    case "unknown_field":
      return "INVALID_FIELD";
    case "read_only":
      return "INVALID_FIELD_FOR_INSERT_UPDATE";
    case "wrong_type":
      return "JSON_PARSER_ERROR";
    case "required":
      return "REQUIRED_FIELD_MISSING";
  }
}

function problemReply(problem: WriteProblem): Reply {
  return sfError(400, errorCodeOf(problem), problem.message, [problem.field]);
}
