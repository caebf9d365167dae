import { localInstant } from "../../../core/zone-clock.js";
import type { Collection, SandboxRecord } from "../../world/types.js";
import { LiveResults, type RowRange } from "../query/live-results.js";
import { QuerySyntaxError } from "../query/query-lexer.js";
import {
  type Condition,
  compareValues,
  fieldResolver,
  type SortKey,
} from "../query/query-model.js";
import { runQuery } from "../query/query-plan.js";
import { parseSuiteql, type SelectColumn, type SuiteqlQuery } from "../query/suiteql-parser.js";
import { bodyJson, intParam, isObject, jsonText } from "../reply.js";
import type { ApiDeps, Reply, SandboxRequest } from "../server-types.js";
import { sampleRecord } from "../write-validation.js";
import { type AccountZone, inAccountZone, repeatedLocalTimes } from "./account-zone.js";
import { nsError } from "./netsuite-errors.js";
import { bareValue, isCharFormat, toChar } from "./suiteql-values.js";

const MAX_LIMIT = 1000;
const PATH = "/services/rest/query/v1/suiteql";

interface Result {
  /** Row `i` of the query's `total`, in its order. */
  at: (i: number) => SandboxRecord;
  total: number;
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
 * Date-times are shown, compared and ordered in the account's zone (`AccountZone`).
 * @see https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_157909186990.html
 */
export class SuiteqlQueries {
  readonly #results: LiveResults;

  constructor(
    private readonly deps: ApiDeps,
    private readonly zone: AccountZone,
  ) {
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
    const total = rows.end - rows.start;
    const at =
      this.zone.name !== "UTC" && sortsAsLocalText(collection, columns, orderBy)
        ? localOrder(collection, rows, this.zone)
        : (i: number) => rows.rows[rows.start + i] as SandboxRecord;
    return { at, total, columns, table: collection.name, stampField: collection.modifiedField };
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
    const sample = sampleRecord(collection);
    const where: Condition[] = [];
    for (const condition of query.where) {
      if (!("query" in condition)) {
        const name = field(condition.field);
        const { value } = condition;
        // A literal compared with a date-time names a local time of the account's zone.
        const instant =
          value.kind === "time" && (name === collection.modifiedField || isDateTime(sample?.[name]))
            ? {
                kind: "time" as const,
                ms: localInstant(value.ms, this.zone.name, this.zone.repeated),
              }
            : value;
        where.push({ ...condition, field: name, value: instant });
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
    const { columns, table, stampField, total } = result;
    const end = Math.min(total, offset + limit);
    const shape = `ns|${table}|${columns === "*" ? "*" : columns.map(columnShape).join(",")}`;
    const render = (record: SandboxRecord) => renderItem(record, columns, this.zone);
    let items = "";
    for (let i = offset; i < end; i += 1) {
      const text = this.deps.cache.text(shape, result.at(i), stampField, render);
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
function renderItem(
  record: SandboxRecord,
  columns: SelectColumn[] | "*",
  zone: AccountZone,
): string {
  const item: Record<string, unknown> = { links: [] };
  if (columns === "*") {
    for (const name in record) if (record[name] != null) item[name] = bareValue(record[name], zone);
  } else {
    for (const { field, name, format } of columns) {
      const value = record[field];
      if (value != null)
        item[name] = format === undefined ? bareValue(value, zone) : toChar(value, format, zone);
    }
  }
  return JSON.stringify(item);
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** Whether a world value is a date-time (a date alone names no instant). */
function isDateTime(value: unknown): boolean {
  return typeof value === "string" && DATE_TIME.test(value);
}

/**
 * Whether the rows sort by the text of their modified time in the account's zone: Oracle resolves
 * `ORDER BY name` to the select list's column of that name first, so a date-time selected as
 * `TO_CHAR(lastmodifieddate, …) AS lastmodifieddate` sorts as that text.
 */
function sortsAsLocalText(
  collection: Collection,
  columns: SelectColumn[] | "*",
  orderBy: readonly SortKey[],
): boolean {
  const first = orderBy[0];
  if (first?.field !== collection.modifiedField || first.descending || columns === "*")
    return false;
  return columns.some(
    (column) =>
      column.field === collection.modifiedField &&
      column.format !== undefined &&
      column.name === collection.modifiedField.toLowerCase(),
  );
}

/**
 * The rows (in instant order) as their local text orders them: the same except in the hours a
 * fall-back night repeats, whose rows from both passes interleave, each span sorted by
 * (local text, key).
 */
function localOrder(
  collection: Collection,
  range: RowRange,
  zone: AccountZone,
): (i: number) => SandboxRecord {
  const { rows, start } = range;
  const total = range.end - start;
  const row = (i: number) => rows[start + i] as SandboxRecord;
  if (total === 0) return row;
  const ms = (i: number) => collection.modifiedMs(String(row(i)[collection.primaryKey])) ?? 0;
  const spans = repeatedLocalTimes(zone, ms(0), ms(total - 1) + 1);
  if (spans.length === 0) return row;
  /** First row at or after `instant`. */
  const firstFrom = (instant: number) => {
    let low = 0;
    let high = total;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (ms(middle) < instant) low = middle + 1;
      else high = middle;
    }
    return low;
  };
  const text = (record: SandboxRecord) =>
    String(inAccountZone(record[collection.modifiedField], zone));
  const sorted = spans.map((span) => {
    const from = firstFrom(span.from);
    const to = firstFrom(span.to);
    const part = rows.slice(start + from, start + to) as SandboxRecord[];
    part.sort((a, b) => {
      const left = text(a);
      const right = text(b);
      if (left !== right) return left < right ? -1 : 1;
      return compareValues(a[collection.primaryKey], b[collection.primaryKey]);
    });
    return { from, to, part };
  });
  return (i) => {
    for (const span of sorted)
      if (i >= span.from && i < span.to) return span.part[i - span.from] as SandboxRecord;
    return row(i);
  };
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
