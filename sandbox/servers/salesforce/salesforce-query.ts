import { randomBytes } from "node:crypto";
import { salesforceStamp } from "../../world/calendar.js";
import type { Collection, SandboxRecord } from "../../world/types.js";
import { SnapshotCache } from "../json-cache.js";
import { QuerySyntaxError } from "../query/query-lexer.js";
import { type Condition, fieldResolver, type SortKey } from "../query/query-model.js";
import { runQuery } from "../query/query-plan.js";
import { parseSoql } from "../query/soql-parser.js";
import { jsonText } from "../reply.js";
import type { ApiDeps, Reply, SandboxRequest } from "../server-types.js";
import { sampleRecord } from "../write-validation.js";
import type { SalesforceDeleteLog } from "./salesforce-delete-log.js";
import { sfError } from "./salesforce-errors.js";

const MAX_BATCH = 2000;
const MIN_BATCH = 200;

interface Cursor {
  rows: SandboxRecord[];
  fields: string[];
  object: string;
}

/** SOQL query and queryAll with server-side cursors (query locators) that expire when idle. */
export class SalesforceQueries {
  readonly #locators: SnapshotCache<Cursor>;

  constructor(
    private readonly deps: ApiDeps,
    private readonly deleteLog: SalesforceDeleteLog,
  ) {
    this.#locators = new SnapshotCache<Cursor>(64, deps.now);
  }

  /** `GET …/query?q=` and `GET …/queryAll?q=` (queryAll adds deleted rows, IsDeleted = true). */
  start(request: SandboxRequest, version: string, all: boolean): Reply {
    const soql = request.query.get("q");
    if (!soql) return sfError(400, "MALFORMED_QUERY", "A query string (q) is required.");
    let parsed: ReturnType<typeof parseSoql>;
    try {
      parsed = parseSoql(soql);
    } catch (error) {
      if (error instanceof QuerySyntaxError) {
        return sfError(400, "MALFORMED_QUERY", `unsupported or malformed SOQL: ${error.message}`);
      }
      throw error;
    }
    const collection = this.object(parsed.from);
    if (!collection) {
      return sfError(400, "INVALID_TYPE", `sObject type '${parsed.from}' is not supported.`);
    }
    const resolve = fieldResolver(sampleRecord(collection));
    const names = [...(parsed.fields as string[]), ...parsed.where.map((c) => c.field)];
    names.push(...parsed.orderBy.map((key) => key.field));
    const unknown = names.find((name) => resolve(name) === undefined);
    if (unknown !== undefined) return invalidField(soql, unknown, collection.name);
    const fields = [...new Set((parsed.fields as string[]).map((name) => resolve(name) as string))];
    const where: Condition[] = parsed.where.map((c) => ({
      ...c,
      field: resolve(c.field) as string,
    }));
    const orderBy: SortKey[] = parsed.orderBy.map((k) => ({
      ...k,
      field: resolve(k.field) as string,
    }));
    const rows = runQuery(collection, where, orderBy, {
      precisionMs: 1,
      ...(all ? { extra: this.tombstones(collection) } : {}),
      ...(parsed.limit === undefined ? {} : { limit: parsed.limit }),
    });
    const cursor: Cursor = { rows, fields, object: collection.name };
    const locator = `01g${randomBytes(12).toString("hex").slice(0, 15)}`;
    return this.page(cursor, locator, 0, batchSize(request), version);
  }

  /** `GET …/query/<locator>-<offset>`: the next batch, or INVALID_QUERY_LOCATOR once expired. */
  more(request: SandboxRequest, version: string, locator: string, offset: number): Reply {
    const ttlMs = this.deps.limits.salesforceLocatorTtlSeconds * 1000;
    const cursor = this.#locators.getFresh(locator, ttlMs);
    if (!cursor) return invalidLocator();
    return this.page(cursor, locator, offset, batchSize(request), version);
  }

  /** Drops a locator (the `expired_locator` fault) and answers as Salesforce would. */
  expire(locator: string): Reply {
    this.#locators.delete(locator);
    return invalidLocator();
  }

  private page(cursor: Cursor, locator: string, offset: number, batch: number, version: string) {
    const { rows, fields, object } = cursor;
    const end = Math.min(rows.length, offset + batch);
    const done = end >= rows.length;
    if (done) this.#locators.delete(locator);
    else this.#locators.set(locator, cursor);
    const shape = `sf|${version}|${object}|${fields.join(",")}`;
    const urlBase = `/services/data/${version}/sobjects/${object}/`;
    const render = (record: SandboxRecord) => renderRecord(record, object, urlBase, fields);
    let records = "";
    for (let i = offset; i < end; i += 1) {
      const record = rows[i] as SandboxRecord;
      const text =
        record.IsDeleted === true
          ? render(record)
          : this.deps.cache.text(shape, record, "SystemModstamp", render);
      records += i === offset ? text : `,${text}`;
    }
    const next = done
      ? ""
      : `"nextRecordsUrl":"/services/data/${version}/query/${locator}-${end}",`;
    return jsonText(
      200,
      `{"totalSize":${rows.length},"done":${done},${next}"records":[${records}]}`,
    );
  }

  /** Deleted rows still in the recycle bin, as queryAll shows them. */
  private tombstones(collection: Collection): SandboxRecord[] {
    const out: SandboxRecord[] = [];
    for (const { deletedMs, record } of this.deleteLog.entries(collection)) {
      out.push({ ...record, IsDeleted: true, SystemModstamp: salesforceStamp(deletedMs) });
    }
    return out;
  }

  /** The collection behind an sObject name (any case), if the sandbox has it. */
  object(name: string): Collection | undefined {
    const lower = name.toLowerCase();
    return this.deps.world.collections("salesforce").find((c) => c.name.toLowerCase() === lower);
  }
}

function renderRecord(record: SandboxRecord, object: string, urlBase: string, fields: string[]) {
  const out: Record<string, unknown> = {
    attributes: { type: object, url: urlBase + String(record.Id) },
  };
  for (const field of fields) out[field] = record[field] ?? null;
  return JSON.stringify(out);
}

function batchSize(request: SandboxRequest): number {
  const header = request.headers["sforce-query-options"];
  const match = typeof header === "string" ? /batchSize\s*=\s*(\d+)/i.exec(header) : null;
  if (!match) return MAX_BATCH;
  return Math.min(MAX_BATCH, Math.max(MIN_BATCH, Number(match[1])));
}

function invalidLocator(): Reply {
  return sfError(400, "INVALID_QUERY_LOCATOR", "invalid query locator");
}

/**
 * INVALID_FIELD as Salesforce words it: the query echoed with a caret under the field, then the
 * reason. A field the org lacks (CurrencyIsoCode without multiple currencies) answers this way.
 */
function invalidField(soql: string, field: string, object: string): Reply {
  const column = Math.max(0, soql.indexOf(field));
  return sfError(
    400,
    "INVALID_FIELD",
    `\n${soql}\n${" ".repeat(column)}^\nERROR at Row:1:Column:${column + 1}\nNo such column '${field}' on entity '${object}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
  );
}
