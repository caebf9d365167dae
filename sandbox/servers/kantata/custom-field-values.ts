import { kantataStamp } from "../../world/calendar.js";
import { MemoryCollection } from "../../world/memory-collection.js";
import type { World } from "../../world/world.js";
import type { ApiDeps, Reply, SandboxRequest } from "../server-types.js";
import { kantataErrors } from "./kantata-errors.js";
import type { KantataLists } from "./kantata-lists.js";

/** A custom field value as Kantata serves it (`custom_field_values`). */
export type KoCustomFieldValue = {
  id: string;
  subject_type: string;
  subject_id: string;
  custom_field_id: string;
  /** A string, number or date as the field's type has it; choice ids for choice fields. */
  value: unknown;
  created_at: string;
  updated_at: string;
};

/**
 * The sets of custom fields the list serves, one `subject_type` at a time.
 * @see https://developer.kantata.com/tag/Custom-Field-Values
 */
export const CUSTOM_FIELD_SUBJECTS = [
  "Estimate",
  "Story",
  "User",
  "Workspace",
  "WorkspaceGroup",
  "Resource",
] as const;

const STORES = new WeakMap<World, MemoryCollection<KoCustomFieldValue>>();

/**
 * The custom field values of a world's Kantata tenant. The world generates none: the Kantata
 * imitation keeps the values its clients set beside the world, one store per world, so that a
 * test reads them as it reads the world's own collections.
 */
export function customFieldValues(world: World): MemoryCollection<KoCustomFieldValue> {
  let store = STORES.get(world);
  if (store === undefined) {
    store = new MemoryCollection<KoCustomFieldValue>({
      system: "kantata",
      name: "custom_field_values",
      primaryKey: "id",
      modifiedField: "updated_at",
      formatModified: kantataStamp,
    });
    STORES.set(world, store);
  }
  return store;
}

/**
 * `GET /custom_field_values.json`: the values of one set of custom fields (`subject_type`,
 * required), optionally of one subject (`subject_id`), least recently updated first; paged and
 * sought (`updated_after`) like every Kantata list.
 * @see https://developer.kantata.com/tag/Custom-Field-Values
 */
export function listCustomFieldValues(
  request: SandboxRequest,
  deps: Pick<ApiDeps, "world">,
  lists: KantataLists,
): Reply {
  const subjectType = request.query.get("subject_type") ?? "";
  if (!(CUSTOM_FIELD_SUBJECTS as readonly string[]).includes(subjectType)) {
    return kantataErrors.validation(
      `subject_type must be one of ${CUSTOM_FIELD_SUBJECTS.join(", ")}`,
      "subject_type",
    );
  }
  const subjectId = request.query.get("subject_id");
  return lists.list(request, customFieldValues(deps.world), {
    defaultOrder: "updated_at:asc",
    keep: {
      shape: `subject_type=${subjectType}|subject_id=${subjectId ?? ""}`,
      test: (record) =>
        record.subject_type === subjectType &&
        (subjectId === null || record.subject_id === subjectId),
    },
  });
}
