import type { Collection, SandboxRecord } from "../../world/types.js";
import { LiveResults, type RowRange } from "../query/live-results.js";
import { QuerySyntaxError } from "../query/query-lexer.js";
import { type Condition, fieldResolver, type SortKey } from "../query/query-model.js";
import { runQuery } from "../query/query-plan.js";
import { parseSuiteql, type SelectColumn, type SuiteqlQuery } from "../query/suiteql-parser.js";
import { bodyJson, intParam, isObject, jsonText } from "../reply.js";
import type { ApiDeps, Reply, SandboxRequest } from "../server-types.js";
import { sampleRecord } from "../write-validation.js";
import { nsError } from "./netsuite-errors.js";
import { bareValue, isCharFormat, toChar } from "./suiteql-values.js";

const MAX_LIMIT = 1000;
const PATH = "/services/rest/query/v1/suiteql";

interface Result {
  rows: RowRange;
  columns: SelectColumn[] | "*";
  table: string;
  stampField: string;
}

/** A query with its names resolved to the record's own and its subqueries run. */
interface Bound {
  collection: Collection;
  columns: SelectColumn[] | "*";
  where: Condition[];
  orderBy: SortKey[];
}

/**
 * `POST /services/rest/query/v1/suiteql?limit=&offset=`. Every page runs the query on the live
 * tables, as NetSuite does: rows changed while a client pages by offset move and shift the rest.
 * @see https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_157909186990.html
 */
export class SuiteqlQueries {
  readonly #results: LiveResults;

  constructor(private readonly deps: ApiDeps) {
    this.#results = new LiveResults(() => deps.cache.generation);
  }

  run(request: SandboxRequest): Reply {
    const prefer = request.headers.prefer;
    if (typeof prefer !== "string" || !prefer.toLowerCase().includes("transient")) {
      return invalid("SuiteQL requests must send the header Prefer: transient.");
    }
    const limit = intParam(request.query, "limit") ?? MAX_LIMIT;
    const offset = intParam(request.query, "offset") ?? 0;
    if (Number.isNaN(limit) || limit < 1 || limit > MAX_LIMIT) {
      return invalid(`Invalid value for parameter limit: it must be between 1 and ${MAX_LIMIT}.`);
    }
    if (Number.isNaN(offset) || offset < 0 || offset % limit !== 0) {
      return invalid("Invalid value for parameter offset: it must be a multiple of limit.");
    }
    const ceiling = this.deps.limits.netsuiteMaxRowsPerQuery;
    if (offset + limit > ceiling) {
      return invalid(
        `Invalid value for parameter offset: a query returns at most ${ceiling} rows. Narrow the query (e.g. by lastmodifieddate) and page it again from offset 0.`,
      );
    }
    const body = bodyJson(request);
    const q = isObject(body) && typeof body.q === "string" ? body.q : undefined;
    if (q === undefined) return invalid('The request body must be {"q": "<SuiteQL>"}.');
    const result = this.execute(q);
    if ("status" in result) return result;
    return this.page(request, result, limit, offset);
  }

  private execute(q: string): Result | Reply {
    let parsed: SuiteqlQuery;
    try {
      parsed = parseSuiteql(q);
    } catch (error) {
      if (error instanceof QuerySyntaxError)
        return searchError(`Invalid search query: ${error.message}`);
      throw error;
    }
    const bound = this.bind(parsed);
    if ("status" in bound) return bound;
    const { collection, columns, where, orderBy } = bound;
    if (!orderBy.some((key) => key.field === collection.primaryKey)) {
      return invalid(
        `Paging SuiteQL needs a stable order: add ORDER BY ending with the unique key (${collection.primaryKey}).`,
      );
    }
    const rows = this.#results.run({ collection, where, orderBy, precisionMs: 1000 });
    return { rows, columns, table: collection.name, stampField: collection.modifiedField };
  }

  /**
   * Resolves a query's names against its table (any case, as SuiteQL does) and runs its `IN`
   * subqueries, whose values become lists: the live rows they select, as of this request.
   */
  private bind(query: SuiteqlQuery): Bound | Reply {
    const table = query.from.toLowerCase();
    const collection = this.table(table);
    if (!collection) return searchError(`Record '${query.from}' was not found.`);
    const resolve = fieldResolver(sampleRecord(collection));
    const named = [
      ...(query.columns === "*" ? [] : query.columns.map((column) => column.field)),
      ...query.where.map((c) => c.field),
      ...query.orderBy.map((key) => key.field),
    ];
    const unknown = named.find((name) => resolve(name) === undefined);
    if (unknown !== undefined)
      return searchError(`Field '${unknown}' for record '${table}' was not found.`);
    const field = (name: string) => resolve(name) as string;
    const formats = query.columns === "*" ? [] : query.columns.map((column) => column.format);
    const badFormat = formats.find((format) => format !== undefined && !isCharFormat(format));
    if (badFormat !== undefined) return searchError(`TO_CHAR format '${badFormat}' is not valid.`);
    const where: Condition[] = [];
    for (const condition of query.where) {
      if (!("query" in condition)) {
        where.push({ ...condition, field: field(condition.field) });
        continue;
      }
      const inner = this.bind(condition.query);
      if ("status" in inner) return inner;
      const selected = (inner.columns as SelectColumn[])[0]?.field as string;
      const rows = runQuery(inner.collection, inner.where, [], { precisionMs: 1000 });
      const values = rows.map((row) => String(row[selected]));
      where.push({ field: field(condition.field), op: "in", value: { kind: "list", values } });
    }
    return {
      collection,
      columns:
        query.columns === "*"
          ? "*"
          : query.columns.map((column) => ({ ...column, field: field(column.field) })),
      where,
      orderBy: query.orderBy.map((key) => ({ ...key, field: field(key.field) })),
    };
  }

  private page(request: SandboxRequest, result: Result, limit: number, offset: number): Reply {
    const { columns, table, stampField } = result;
    const { rows, start } = result.rows;
    const total = result.rows.end - start;
    const end = Math.min(total, offset + limit);
    const shape = `ns|${table}|${columns === "*" ? "*" : columns.map(columnShape).join(",")}`;
    const render = (record: SandboxRecord) => renderItem(record, columns);
    let items = "";
    for (let i = offset; i < end; i += 1) {
      const text = this.deps.cache.text(
        shape,
        rows[start + i] as SandboxRecord,
        stampField,
        render,
      );
      items += i === offset ? text : `,${text}`;
    }
    const hasMore = end < total;
    const href = (at: number) => `${request.origin}${PATH}?limit=${limit}&offset=${at}`;
    const links = [{ rel: "self", href: href(offset) }];
    if (offset > 0) links.unshift({ rel: "previous", href: href(Math.max(0, offset - limit)) });
    links.unshift({ rel: "first", href: href(0) });
    if (hasMore) links.push({ rel: "next", href: href(end) });
    const last = Math.max(0, Math.floor((total - 1) / limit) * limit);
    links.push({ rel: "last", href: href(last) });
    const count = end - offset;
    return jsonText(
      200,
      `{"links":${JSON.stringify(links)},"count":${Math.max(0, count)},"hasMore":${hasMore},"items":[${items}],"offset":${offset},"totalResults":${total}}`,
    );
  }

  private table(name: string): Collection | undefined {
    return this.deps.world.collections("netsuite").find((c) => c.name === name);
  }
}

/**
 * SuiteQL leaves null columns out of an item, as NetSuite does, and writes dates in the user's
 * format unless the query formats them.
 */
function renderItem(record: SandboxRecord, columns: SelectColumn[] | "*"): string {
  const item: Record<string, unknown> = { links: [] };
  if (columns === "*") {
    for (const name in record) if (record[name] != null) item[name] = bareValue(record[name]);
  } else {
    for (const { field, name, format } of columns) {
      const value = record[field];
      if (value != null)
        item[name] = format === undefined ? bareValue(value) : toChar(value, format);
    }
  }
  return JSON.stringify(item);
}

function columnShape(column: SelectColumn): string {
  return `${column.field}:${column.name}:${column.format ?? ""}`;
}

function invalid(detail: string): Reply {
  return nsError(400, "INVALID_PARAMETER", detail);
}

function searchError(detail: string): Reply {
  return nsError(
    400,
    "INVALID_PARAMETER",
    `Invalid search query. Detailed unprocessed description follows. ${detail}`,
  );
}
