import type { MemoryCollection } from "../../world/memory-collection.js";
import type { KoCustomFieldValue } from "../../world/vendor-records.js";
import type { World } from "../../world/world.js";
import type { ApiDeps, Reply, SandboxRequest } from "../server-types.js";
import { kantataErrors } from "./kantata-errors.js";
import type { KantataLists } from "./kantata-lists.js";

export type { KoCustomFieldValue } from "../../world/vendor-records.js";

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

/**
 * The custom field values of a world's Kantata tenant: the world's `custom_field_values`, a
 * memory collection as all of the world's are (tests also `discard` values from it).
 */
export function customFieldValues(world: World): MemoryCollection<KoCustomFieldValue> {
  const values = world.collection("kantata", "custom_field_values");
  return values as unknown as MemoryCollection<KoCustomFieldValue>;
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
