import type { Collection, SandboxRecord } from "../../world/types.js";
import { LiveResults, type RowRange } from "../query/live-results.js";
import { QuerySyntaxError } from "../query/query-lexer.js";
import { fieldResolver } from "../query/query-model.js";
import { parseSuiteql } from "../query/suiteql-parser.js";
import { bodyJson, intParam, isObject, jsonText } from "../reply.js";
import type { ApiDeps, Reply, SandboxRequest } from "../server-types.js";
import { sampleRecord } from "../write-validation.js";
import { nsError } from "./netsuite-errors.js";

const MAX_LIMIT = 1000;
const PATH = "/services/rest/query/v1/suiteql";

interface Result {
  rows: RowRange;
  fields: string[] | "*";
  table: string;
  stampField: string;
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
    let parsed: ReturnType<typeof parseSuiteql>;
    try {
      parsed = parseSuiteql(q);
    } catch (error) {
      if (error instanceof QuerySyntaxError)
        return searchError(`Invalid search query: ${error.message}`);
      throw error;
    }
    const table = parsed.from.toLowerCase();
    const collection = this.table(table);
    if (!collection) return searchError(`Record '${parsed.from}' was not found.`);
    const resolve = fieldResolver(sampleRecord(collection));
    const named = [
      ...(parsed.fields === "*" ? [] : parsed.fields),
      ...parsed.where.map((c) => c.field),
    ];
    named.push(...parsed.orderBy.map((key) => key.field));
    const unknown = named.find((name) => resolve(name) === undefined);
    if (unknown !== undefined)
      return searchError(`Field '${unknown}' for record '${table}' was not found.`);
    const orderBy = parsed.orderBy.map((key) => ({ ...key, field: resolve(key.field) as string }));
    if (!orderBy.some((key) => key.field === collection.primaryKey)) {
      return invalid(
        `Paging SuiteQL needs a stable order: add ORDER BY ending with the unique key (${collection.primaryKey}).`,
      );
    }
    const where = parsed.where.map((c) => ({ ...c, field: resolve(c.field) as string }));
    const rows = this.#results.run({ collection, where, orderBy, precisionMs: 1000 });
    const fields =
      parsed.fields === "*" ? "*" : parsed.fields.map((name) => resolve(name) as string);
    return { rows, fields, table, stampField: collection.modifiedField };
  }

  private page(request: SandboxRequest, result: Result, limit: number, offset: number): Reply {
    const { fields, table, stampField } = result;
    const { rows, start } = result.rows;
    const total = result.rows.end - start;
    const end = Math.min(total, offset + limit);
    const shape = `ns|${table}|${fields === "*" ? "*" : fields.join(",")}`;
    const render = (record: SandboxRecord) => renderItem(record, fields);
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

/** SuiteQL leaves null columns out of an item, as NetSuite does. */
function renderItem(record: SandboxRecord, fields: string[] | "*"): string {
  const item: Record<string, unknown> = { links: [] };
  if (fields === "*") {
    for (const name in record) if (record[name] != null) item[name] = record[name];
  } else {
    for (const name of fields) if (record[name] != null) item[name] = record[name];
  }
  return JSON.stringify(item);
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
