import type { Collection, SandboxRecord } from "../../world/types.js";
import { SnapshotCache } from "../json-cache.js";
import { type Condition, parseVendorTime, type SortKey } from "../query/query-model.js";
import { runQuery } from "../query/query-plan.js";
import { intParam, jsonText } from "../reply.js";
import type { ApiDeps, Reply, SandboxRequest } from "../server-types.js";
import { kantataErrors } from "./kantata-errors.js";

const MAX_PER_PAGE = 200;
const DEFAULT_PER_PAGE = 20;
const SNAPSHOT_IDLE_MS = 10 * 60_000;
const PEOPLE = new Set(["user", "assignee", "creator"]);

/**
 * Kantata list endpoints (`GET /api/v1/<list>.json`): paging, `updated_after`, `order`, `only`,
 * `include`, and hiding time of archived workspaces unless asked.
 * @see https://developer.kantata.com/tag/Time-Entries
 */
export class KantataLists {
  readonly #snapshots = new SnapshotCache<SandboxRecord[]>(16);

  constructor(private readonly deps: ApiDeps) {}

  list(request: SandboxRequest, collection: Collection): Reply {
    const page = intParam(request.query, "page") ?? 1;
    const perPage = Math.min(MAX_PER_PAGE, intParam(request.query, "per_page") ?? DEFAULT_PER_PAGE);
    if (Number.isNaN(page) || page < 1 || Number.isNaN(perPage) || perPage < 1) {
      return kantataErrors.validation("page and per_page must be positive integers", "page");
    }
    const order = parseOrder(request.query.get("order"), collection);
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
    const key = snapshotKey(collection.name, request.query);
    let rows = page === 1 ? undefined : this.#snapshots.getFresh(key, SNAPSHOT_IDLE_MS);
    if (rows === undefined) {
      const where: Condition[] =
        afterMs === undefined
          ? []
          : [{ field: collection.modifiedField, op: ">", value: { kind: "time", ms: afterMs } }];
      rows = runQuery(collection, where, order, { precisionMs: 1000 });
      rows = this.visible(rows, collection, request.query);
      this.#snapshots.set(key, rows);
    }
    return this.render(collection, rows, page, perPage, request.query.get("include"));
  }

  private visible(rows: SandboxRecord[], collection: Collection, query: URLSearchParams) {
    const only = query.get("only");
    if (only !== null) {
      const ids = new Set(only.split(",").map((id) => id.trim()));
      rows = rows.filter((record) => ids.has(String(record.id)));
    }
    if (collection.name === "time_entries" && query.get("from_archived_workspaces") !== "true") {
      const workspaces = this.deps.world.collection("kantata", "workspaces");
      rows = rows.filter(
        (record) => workspaces.get(String(record.workspace_id))?.archived !== true,
      );
    }
    return rows;
  }

  /** The envelope: count, meta, results in order, and maps of records (own and included). */
  render(
    collection: Collection,
    rows: SandboxRecord[],
    page: number,
    perPage: number,
    include: string | null,
  ) {
    const start = (page - 1) * perPage;
    const end = Math.min(rows.length, start + perPage);
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
    let body = `{"count":${rows.length},"meta":{"count":${rows.length},"page_count":${Math.ceil(rows.length / perPage)},"page_number":${page},"page_size":${perPage}},"results":[${results}]`;
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

function snapshotKey(list: string, query: URLSearchParams): string {
  const params = [...query.entries()].filter(([name]) => name !== "page" && name !== "include");
  params.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${list}?${new URLSearchParams(params).toString()}`;
}
