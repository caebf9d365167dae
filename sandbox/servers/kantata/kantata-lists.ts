import type { Collection, SandboxRecord } from "../../world/types.js";
import { LiveResults, type RowRange } from "../query/live-results.js";
import { parseVendorTime, type SortKey } from "../query/query-model.js";
import { intParam, jsonText } from "../reply.js";
import type { ApiDeps, Reply, SandboxRequest } from "../server-types.js";
import { kantataErrors } from "./kantata-errors.js";

const MAX_PER_PAGE = 200;
const DEFAULT_PER_PAGE = 20;
const PEOPLE = new Set(["user", "assignee", "creator"]);

/**
 * Lists that hide archived projects unless asked, and the parameter that asks: the workspaces
 * list its archived workspaces, the others the records of archived workspaces.
 * @see https://developer.kantata.com/tag/Workspaces
 */
const ARCHIVED_SHOWN_BY: Readonly<Record<string, string>> = {
  workspaces: "include_archived",
  stories: "show_from_archived_workspaces",
  time_entries: "from_archived_workspaces",
  expenses: "from_archived_workspaces",
};

/** What one list adds to the common parameters. */
export interface ListScope {
  /** The order when the request names none (`id:asc` unless given). */
  readonly defaultOrder?: string;
  /** The list's own filters: the rows they keep, and the filters as text (results are kept by it). */
  readonly keep?: { readonly shape: string; readonly test: (record: SandboxRecord) => boolean };
}

/**
 * Kantata list endpoints (`GET /api/v1/<list>.json`): paging, `updated_after`, `order`, `only`,
 * `include`, and hiding archived workspaces and their stories, time and expenses unless asked.
 * Pages read the live table, as Kantata's do: a record updated while a client pages moves to
 * the end and shifts the rest.
 * @see https://developer.kantata.com/tag/Time-Entries
 */
export class KantataLists {
  readonly #results: LiveResults;

  constructor(private readonly deps: ApiDeps) {
    this.#results = new LiveResults(() => deps.cache.generation);
  }

  list(request: SandboxRequest, collection: Collection, scope: ListScope = {}): Reply {
    const page = intParam(request.query, "page") ?? 1;
    const perPage = Math.min(MAX_PER_PAGE, intParam(request.query, "per_page") ?? DEFAULT_PER_PAGE);
    if (Number.isNaN(page) || page < 1 || Number.isNaN(perPage) || perPage < 1) {
      return kantataErrors.validation("page and per_page must be positive integers", "page");
    }
    const order = parseOrder(request.query.get("order") ?? scope.defaultOrder ?? null, collection);
    if (order === undefined) {
      return kantataErrors.validation(
        "order must be one of updated_at:asc, updated_at:desc, id:asc, id:desc",
        "order",
      );
    }
    const updatedAfter = request.query.get("updated_after");
    const afterMs =
      updatedAfter === null ? undefined : parseVendorTime(updatedAfter.replace(" ", "+"));
    if (afterMs !== undefined && Number.isNaN(afterMs)) {
      return kantataErrors.validation("updated_after must be an ISO 8601 time", "updated_after");
    }
    const only = request.query.get("only");
    const shownBy = ARCHIVED_SHOWN_BY[collection.name];
    const hidesArchived = shownBy !== undefined && request.query.get(shownBy) !== "true";
    const rows = this.#results.run({
      collection,
      where:
        afterMs === undefined
          ? []
          : [{ field: collection.modifiedField, op: ">", value: { kind: "time", ms: afterMs } }],
      orderBy: order,
      precisionMs: 1000,
      shape: `only=${only ?? ""}|hides_archived=${hidesArchived}|${scope.keep?.shape ?? ""}`,
      stamp: hidesArchived ? String(this.workspaces().version) : undefined,
      filter: (found) => {
        const shown = this.visible(collection, found, only, hidesArchived);
        return scope.keep ? shown.filter(scope.keep.test) : shown;
      },
    });
    return this.render(collection, rows, page, perPage, request.query.get("include"));
  }

  private visible(
    collection: Collection,
    rows: SandboxRecord[],
    only: string | null,
    hidesArchived: boolean,
  ) {
    if (only !== null) {
      const ids = new Set(only.split(",").map((id) => id.trim()));
      rows = rows.filter((record) => ids.has(String(record.id)));
    }
    if (hidesArchived) {
      const workspaces = this.workspaces();
      const field = collection.name === "workspaces" ? "id" : "workspace_id";
      rows = rows.filter((record) => workspaces.get(String(record[field]))?.archived !== true);
    }
    return rows;
  }

  private workspaces(): Collection {
    return this.deps.world.collection("kantata", "workspaces");
  }

  /** One record in the list envelope (a show, create or update answer). */
  renderRecord(collection: Collection, record: SandboxRecord): Reply {
    return this.render(collection, { rows: [record], start: 0, end: 1 }, 1, 1, null);
  }

  /** The envelope: count, meta, results in order, and maps of records (own and included). */
  render(
    collection: Collection,
    found: RowRange,
    page: number,
    perPage: number,
    include: string | null,
  ) {
    const { rows } = found;
    const count = found.end - found.start;
    const start = found.start + (page - 1) * perPage;
    const end = Math.min(found.end, start + perPage);
    const maps = new Map<string, Map<string, SandboxRecord>>();
    let results = "";
    const own = new Map<string, SandboxRecord>();
    for (let i = start; i < end; i += 1) {
      const record = rows[i] as SandboxRecord;
      const id = String(record.id);
      results += `${i === start ? "" : ","}{"key":"${collection.name}","id":${JSON.stringify(id)}}`;
      own.set(id, record);
    }
    maps.set(collection.name, own);
    for (const name of (include ?? "")
      .split(",")
      .map((n) => n.trim())
      .filter(Boolean)) {
      this.includeInto(maps, name, own.values());
    }
    let body = `{"count":${count},"meta":{"count":${count},"page_count":${Math.ceil(count / perPage)},"page_number":${page},"page_size":${perPage}},"results":[${results}]`;
    for (const [name, records] of maps) {
      const source = this.deps.world.collection("kantata", name);
      let map = "";
      for (const [id, record] of records) {
        const text = this.deps.cache.text(`ko|${name}`, record, source.modifiedField, (r) =>
          JSON.stringify(r),
        );
        map += `${map === "" ? "" : ","}${JSON.stringify(id)}:${text}`;
      }
      body += `,${JSON.stringify(name)}:{${map}}`;
    }
    return jsonText(200, `${body}}`);
  }

  /** `include=user,workspace,story,…`: associated records join the top-level maps. */
  private includeInto(
    maps: Map<string, Map<string, SandboxRecord>>,
    name: string,
    records: Iterable<SandboxRecord>,
  ) {
    const many = name.endsWith("s");
    const singular = many
      ? name.endsWith("ies")
        ? `${name.slice(0, -3)}y`
        : name.slice(0, -1)
      : name;
    const field = many ? `${singular}_ids` : `${singular}_id`;
    const target = PEOPLE.has(singular)
      ? "users"
      : singular.endsWith("y")
        ? `${singular.slice(0, -1)}ies`
        : `${singular}s`;
    const collection = this.deps.world.collections("kantata").find((c) => c.name === target);
    if (!collection) return;
    const map = maps.get(target) ?? new Map<string, SandboxRecord>();
    for (const record of records) {
      const value = record[field];
      for (const id of Array.isArray(value) ? value : [value]) {
        const found = id === null || id === undefined ? undefined : collection.get(String(id));
        if (found) map.set(String(id), found);
      }
    }
    maps.set(target, map);
  }
}

function parseOrder(raw: string | null, collection: Collection): SortKey[] | undefined {
  const [field, direction = "asc"] = (raw ?? "id:asc").split(":");
  if (direction !== "asc" && direction !== "desc") return undefined;
  const descending = direction === "desc";
  if (field === "id") return [{ field: collection.primaryKey, descending }];
  if (field === "updated_at") {
    return [
      { field: collection.modifiedField, descending },
      { field: collection.primaryKey, descending },
    ];
  }
  return undefined;
}
