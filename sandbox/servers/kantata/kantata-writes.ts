import { kantataStamp } from "../../world/calendar.js";
import type { Collection, SandboxRecord } from "../../world/types.js";
import { bodyJson, isObject } from "../reply.js";
import type { ApiDeps, Reply, SandboxRequest } from "../server-types.js";
import { checkWrite, sampleRecord } from "../write-validation.js";
import { customFieldValues, type KoCustomFieldValue } from "./custom-field-values.js";
import { kantataErrors, koError } from "./kantata-errors.js";
import type { KantataLists } from "./kantata-lists.js";

const READ_ONLY = ["id", "created_at", "updated_at"];
/** Body wrapper key of each writable list (`{"user": {...}}`). */
export const WRAPPERS: Record<string, string> = {
  users: "user",
  workspaces: "workspace",
  time_entries: "time_entry",
  invoices: "invoice",
  external_references: "external_reference",
};
const SUBJECTS: Record<string, string> = {
  User: "users",
  Workspace: "workspaces",
  WorkspaceGroup: "workspace_groups",
  TimeEntry: "time_entries",
};

/**
 * Kantata writes: `PUT /<list>/<id>.json`, `POST /external_references.json` and
 * `POST /custom_field_values.json` (creating a value for a field replaces the old one: the new
 * value has a new id, and the old one is gone from the list; the field must be one the tenant
 * declares for the subject's type).
 */
export class KantataWrites {
  constructor(
    private readonly deps: ApiDeps,
    private readonly lists: KantataLists,
  ) {}

  update(request: SandboxRequest, collection: Collection, id: string): Reply {
    const existing = collection.get(id);
    if (!existing) return kantataErrors.notFound(`${collection.name} ${id} not found`);
    const changes = unwrap(request, WRAPPERS[collection.name] ?? "");
    if (!changes)
      return koError(
        400,
        "system",
        `wrap the attributes as {"${WRAPPERS[collection.name]}": {...}}`,
      );
    const problem = checkWrite(sampleRecord(collection), changes, { readOnly: READ_ONLY });
    if (problem) return kantataErrors.validation(problem.message, problem.field);
    if (collection.name === "time_entries" && "time_in_minutes" in changes) {
      const minutes = changes.time_in_minutes;
      if (typeof minutes !== "number" || !Number.isInteger(minutes) || minutes <= 0) {
        return kantataErrors.validation(
          "time_in_minutes must be a positive whole number",
          "time_in_minutes",
        );
      }
    }
    const record = { ...existing, ...changes };
    collection.upsert(record, this.deps.now());
    return this.lists.renderRecord(collection, record);
  }

  createExternalReference(request: SandboxRequest): Reply {
    const fields = unwrap(request, "external_reference");
    if (!fields)
      return koError(400, "system", 'wrap the attributes as {"external_reference": {...}}');
    for (const name of [
      "subject_type",
      "subject_id",
      "service_name",
      "service_model",
      "service_model_ref",
    ]) {
      if (typeof fields[name] !== "string" || fields[name] === "") {
        return kantataErrors.validation(`${name} can't be blank`, name);
      }
    }
    if (!this.#subjectExists(fields))
      return kantataErrors.validation("subject does not exist", "subject_id");
    const collection = this.deps.world.collection("kantata", "external_references");
    const same = (r: SandboxRecord) =>
      r.subject_type === fields.subject_type &&
      String(r.subject_id) === fields.subject_id &&
      r.service_name === fields.service_name &&
      r.service_model === fields.service_model;
    let existing: SandboxRecord | undefined;
    for (const record of collection.scan()) if (same(record)) existing = record;
    const now = this.deps.now();
    const id = existing ? String(existing.id) : String(this.deps.ids.take(collection));
    const record: SandboxRecord = {
      ...(existing ?? { created_at: kantataStamp(now) }),
      ...pick(fields, [
        "subject_type",
        "subject_id",
        "service_name",
        "service_model",
        "service_model_ref",
      ]),
      id,
    };
    collection.upsert(record, now);
    return this.lists.renderRecord(collection, record);
  }

  /** Whether `subject_type` names a kind of record that may carry it and `subject_id` one of them. */
  #subjectExists(fields: Record<string, unknown>): boolean {
    const subjects = SUBJECTS[String(fields.subject_type)];
    return (
      subjects !== undefined &&
      this.deps.world.collection("kantata", subjects).get(String(fields.subject_id)) !== undefined
    );
  }

  setCustomFieldValue(request: SandboxRequest): Reply {
    const fields = unwrap(request, "custom_field_value");
    if (!fields)
      return koError(400, "system", 'wrap the attributes as {"custom_field_value": {...}}');
    for (const name of ["subject_type", "subject_id", "custom_field_id"]) {
      if (fields[name] === undefined || fields[name] === null || fields[name] === "") {
        return kantataErrors.validation(`${name} can't be blank`, name);
      }
    }
    if (!this.#subjectExists(fields))
      return kantataErrors.validation("subject does not exist", "subject_id");
    const problem = this.#fieldProblem(String(fields.custom_field_id), String(fields.subject_type));
    if (problem) return kantataErrors.validation(problem, "custom_field_id");
    const values = customFieldValues(this.deps.world);
    const now = this.deps.now();
    const same = (v: KoCustomFieldValue) =>
      v.subject_type === String(fields.subject_type) &&
      v.subject_id === String(fields.subject_id) &&
      v.custom_field_id === String(fields.custom_field_id);
    for (const replaced of [...values.scan()].filter(same)) values.remove(replaced.id, now);
    const value: KoCustomFieldValue = {
      id: String(this.deps.ids.take(values)),
      subject_type: String(fields.subject_type),
      subject_id: String(fields.subject_id),
      custom_field_id: String(fields.custom_field_id),
      value: fields.value ?? null,
      created_at: kantataStamp(now),
      updated_at: "",
    };
    values.upsert(value, now);
    return this.lists.renderRecord(values, value);
  }

  /** Why the tenant has no custom field `fieldId` for `subjectType`, if it has none. */
  #fieldProblem(fieldId: string, subjectType: string): string | undefined {
    const world = this.deps.world;
    const field = world.collection("kantata", "custom_fields").get(fieldId);
    if (!field) return `custom field ${fieldId} does not exist`;
    const set = world
      .collection("kantata", "custom_field_sets")
      .get(String(field.custom_field_set_id));
    if (set?.subject_type !== subjectType) {
      return `custom field ${fieldId} belongs to ${String(set?.subject_type)}, not ${subjectType}`;
    }
    return undefined;
  }
}

function unwrap(request: SandboxRequest, wrapper: string): Record<string, unknown> | undefined {
  const body = bodyJson(request);
  if (!isObject(body)) return undefined;
  const inner = body[wrapper];
  return isObject(inner) ? inner : undefined;
}

function pick(source: Record<string, unknown>, names: string[]): Record<string, unknown> {
  return Object.fromEntries(names.map((name) => [name, source[name]]));
}
