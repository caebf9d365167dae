import {
  columnName,
  type DeclaredField,
  declaredField,
  declaredFields,
  knownFields,
  type StreamDefinition,
} from "../extractors/engine/define-stream.js";
import type { RecordsAt } from "../extractors/engine/source.js";
import {
  ALL_PAGE_FORMS,
  type JsonFieldSql,
  jsonSql,
  type PageForms,
  sqlLiteral,
} from "../warehouse/json-sql.js";
import type { Warehouse } from "../warehouse/warehouse.js";
import type { LandingLayout } from "./landing-layout.js";

export interface ShredOptions {
  /** Envelope fields the system adds to every record (not drift). */
  readonly ignoredFields?: readonly string[];
  /** Zone the system's zone-less timestamps are written in. */
  readonly timeZone?: string;
  /** Where the records sit in the response bodies staged as received. */
  readonly recordsAt?: RecordsAt;
}

/**
 * What a staged group's pages are. The shredding statement reads only the forms they hold: DuckDB
 * plans it for every group, and a branch no page reaches costs as much to plan as one they do.
 */
export interface GroupForms extends PageForms {
  /** Some page was found of its declared kinds (`BatchPage.checked`). */
  readonly checked: boolean;
  /** Some page was not. */
  readonly unchecked: boolean;
}

export const ALL_GROUP_FORMS: GroupForms = { ...ALL_PAGE_FORMS, checked: true, unchecked: true };

/** The statements that turn a batch's staged pages into staged, checked records. */
export interface ShredSql {
  /**
   * Fills staging from the pages table: one row per record, typed, checked, hashed. Reads pages
   * of the `forms` given only (default: every form).
   */
  shred(forms?: GroupForms): string;
  /** One row: records, bad records, drifting records, good records whose key came before. */
  readonly summary: string;
  /** Keeps `_pslink_latest` on one version per key (run only when `summary` counts duplicates). */
  readonly dedupe: string;
  /** `(page, cursor_ms)`: the newest cursor of each staged page (null when it has none). */
  readonly pageCursors: string;
  /** `(ord, key, hash, record, problem, set_aside)` of each bad record, in extraction order. */
  readonly badRecords: string;
  /** `(field, record)`: each undeclared field the batch carries, with one record showing it. */
  readonly undeclaredFields: string;
}

/**
 * Shredding in the warehouse: the records of a batch arrive as JSON arrays (one per page) and
 * the database parses, checks (the same rules as the zod schema, written in SQL by the field
 * helpers), converts, hashes and keys them, all set-based. JavaScript only explains the rare bad
 * record. Within the batch, the latest version of a key (by cursor, then extraction order) lands.
 */
export function shredSql(
  wh: Warehouse,
  layout: LandingLayout,
  stream: StreamDefinition,
  pages: string,
  stage: string,
  options: ShredOptions = {},
): ShredSql {
  const sql = jsonSql(wh);
  const q = (name: string) => wh.quote(name);
  const timeZone = options.timeZone ?? "UTC";
  const fields = declaredFields(stream);
  const known = knownFields(stream, options.ignoredFields);
  const declared = fields.map((name) => declaredField(stream, name));
  const cursor = stream.cursor === null ? "null" : q(columnName(stream.cursor));
  const text = wh.sqlType("text");
  const landed = layout.columns.map((column) => q(column.name));

  /**
   * The records of the pages `from`, typed and checked, each field read as `read` gives it
   * (after `prelude`). Levels: records → typed values → checks.
   */
  const typedRecords = (
    from: string,
    forms: PageForms,
    prelude: readonly string[],
    read: (index: number, name: string) => JsonFieldSql,
  ): string => {
    const values: string[] = [];
    const checks: string[] = [];
    fields.forEach((name, index) => {
      const field = read(index, name);
      const { meta, acceptsNull, acceptsAbsent } = declared[index] as DeclaredField;
      const column = q(columnName(name));
      values.push(`${meta.value(field, sql, timeZone)} as ${column}`);
      const allowed = [
        ...(acceptsNull ? [field.isNull] : []),
        ...(acceptsAbsent ? [field.isAbsent] : []),
        meta.valid(field, sql, column),
      ].join(" or ");
      checks.push(`case when not (${allowed}) then ${sqlLiteral(name)} end`);
    });
    const keyParts = stream.primaryKey.map((name) => {
      const field = read(fields.indexOf(name), name);
      return `case when (${field.isString} and ${field.text} <> '') or ${field.isNumber} then ${field.text} end`;
    });
    const key = keyParts.length === 1 ? keyParts[0] : keyParts.join(" || '|' || ");
    const parsed = `select _pslink_page, _pslink_ord, _pslink_page_drifts, _pslink_page_set_aside, rec, _pslink_page_castable${prelude
      .map((item) => `, ${item}`)
      .join("")} from (${sql.records(from, options.recordsAt, forms)}) records`;
    const typed = `select parsed.*, ${sql.isObject} as _pslink_object,
        cast(${key} as ${text}) as _pslink_key, ${sql.hash} as _pslink_hash,
        case when _pslink_page_drifts then ${sql.hasOtherKeys(known)} else false end as _pslink_drift,
        ${values.join(", ")}
      from (${parsed}${sql.once}) parsed`;
    return `select _pslink_page, _pslink_ord, rec, _pslink_object, _pslink_key, _pslink_hash,
        _pslink_drift, _pslink_page_set_aside as _pslink_set_aside, ${landed.join(", ")}, ${cursor} as _pslink_cursor,
        concat_ws(',', ${checks.join(", ")}) as _pslink_problem
      from (${typed}${sql.once}) typed`;
  };
  // Pages JavaScript found of their declared kinds skip the JSON type tests (DuckDB).
  const { checked } = sql;
  const records = (forms: GroupForms): string => {
    if (checked === undefined) return typedRecords(pages, forms, sql.prelude(fields), sql.field);
    const parts: string[] = [];
    // Forms of no page at all (no group has them) read as unchecked, so the statement reads something.
    if (forms.unchecked || !forms.checked)
      parts.push(
        typedRecords(
          `(select * from ${pages} where not checked)`,
          forms,
          sql.prelude(fields),
          sql.field,
        ),
      );
    if (forms.checked)
      parts.push(
        typedRecords(
          `(select * from ${pages} where checked)`,
          forms,
          checked.prelude(fields),
          (index, name) => checked.field(name, declared[index] as DeclaredField),
        ),
      );
    return parts.join("\n        union all\n        ");
  };
  // A record set aside in JavaScript (JSON a warehouse refuses) is bad whatever its fields hold.
  const verdict = (forms: GroupForms): string =>
    `select *, _pslink_set_aside is not null or not _pslink_object or _pslink_key is null
      or _pslink_problem <> '' as _pslink_bad
    from (${records(forms)}${sql.once}) checked`;
  const columns = [
    "_pslink_page",
    "_pslink_ord",
    "_pslink_key",
    ...landed,
    "_pslink_hash",
    "_pslink_cursor",
    "_pslink_record",
    "_pslink_bad",
    "_pslink_problem",
    "_pslink_drift",
    "_pslink_set_aside",
    "_pslink_latest",
  ];
  const statements = new Map<string, string>();
  const shred = (forms: GroupForms = ALL_GROUP_FORMS): string => {
    const key = [forms.arrays, forms.received, forms.checked, forms.unchecked].join();
    let statement = statements.get(key);
    if (statement === undefined) {
      statement = `insert into ${stage} (${columns.join(", ")})
    select _pslink_page, _pslink_ord, _pslink_key, ${landed.join(", ")},
      _pslink_hash, _pslink_cursor, rec, _pslink_bad, nullif(_pslink_problem, ''), coalesce(_pslink_drift, false),
      _pslink_set_aside, not _pslink_bad
    from (${verdict(forms)}) verdict`;
      statements.set(key, statement);
    }
    return statement;
  };
  return {
    shred,
    summary: `select count(*) as records, count(*) filter (where _pslink_bad) as bad,
        count(*) filter (where _pslink_drift) as drifting,
        count(*) filter (where not _pslink_bad) - count(distinct _pslink_key) filter (where not _pslink_bad) as duplicates
      from ${stage}`,
    // A key met twice in one batch is rare (a record updated while being paged past): ranking
    // only then spares every batch a sort.
    dedupe: `update ${stage} set _pslink_latest = false where _pslink_ord in (
        select _pslink_ord from (
          select _pslink_ord, row_number() over (
            partition by _pslink_key order by _pslink_cursor desc nulls last, _pslink_ord desc) as version
          from ${stage} where not _pslink_bad) ranked
        where version > 1)`,
    pageCursors: `select _pslink_page as page, ${sql.epochMs("max(_pslink_cursor)")} as cursor_ms
      from ${stage} group by _pslink_page`,
    badRecords: `select _pslink_ord as ord, _pslink_key as key, _pslink_hash as hash,
        cast(_pslink_record as ${text}) as record, _pslink_problem as problem,
        _pslink_set_aside as set_aside
      from ${stage} where _pslink_bad order by _pslink_ord`,
    undeclaredFields: sql.otherKeys(stage, known),
  };
}
