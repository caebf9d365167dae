import { assertNever } from "../core/errors.js";
import type { DeclaredField } from "../extractors/engine/define-stream.js";
import type { RecordsAt } from "../extractors/engine/source.js";
import { duckdbType } from "./duckdb-dialect.js";
import type { ColumnType, Warehouse } from "./warehouse.js";

/**
 * SQL over one field of a JSON record, in one dialect. Kind tests are null-safe booleans (false
 * when the field is absent).
 */
export interface JsonFieldSql {
  readonly isString: string;
  readonly isNumber: string;
  readonly isBoolean: string;
  readonly isNull: string;
  readonly isAbsent: string;
  /** The value as text (strings unquoted, numbers and booleans as written); null for null/absent. */
  readonly text: string;
  /** The value as JSON text. */
  readonly json: string;
  /**
   * Whether JavaScript found every date-time of the record's page in a form the warehouse casts
   * without testing it first (`BatchPage.castable`); absent where the warehouse does not ask.
   */
  readonly castable?: string;
}

/**
 * Which forms of page a statement reads: one whose records are the body's array (`positions`
 * null), one received whole with its records' positions. Leaving out a form no page has spares
 * the warehouse planning it: DuckDB plans a statement each time it runs.
 */
export interface PageForms {
  readonly arrays: boolean;
  readonly received: boolean;
}

export const ALL_PAGE_FORMS: PageForms = { arrays: true, received: true };

/**
 * What the warehouse needs to read vendor records as JSON: records are shredded into typed
 * columns by the database (vectorised, off the Node main thread) instead of value by value in
 * JavaScript. The record being read is the column `rec`; `_pslink_page_castable` says whether
 * its date-times are known to cast as they are (`BatchPage.castable`; false where not known).
 */
export interface JsonSql {
  /**
   * `_pslink_page, _pslink_ord, _pslink_page_drifts, _pslink_page_set_aside, rec,
   * _pslink_page_castable` for every record of `pages(page_no, body, positions, drifts, set_aside,
   * castable)` (`BatchPage`) in the `forms` given: the records `at` reads from the body at
   * `positions`, or, where positions is null, every element of the body's array.
   */
  records(pages: string, at?: RecordsAt, forms?: PageForms): string;
  /**
   * Select items computed once per record that `field` reads: DuckDB parses each record once,
   * PostgreSQL looks each field up once (a subquery's outputs nobody reads are never computed).
   */
  prelude(fields: readonly string[]): string[];
  /** Field `name`, the `index`th of the prelude's list. */
  field(index: number, name: string): JsonFieldSql;
  /**
   * The prelude and fields of records JavaScript has found of their declared kinds
   * (`BatchPage.checked`), read without testing each field's JSON type. Absent where that test
   * costs nothing more than reading the value (PostgreSQL's jsonb).
   */
  readonly checked?: {
    prelude(fields: readonly string[]): string[];
    field(name: string, declared: DeclaredField): JsonFieldSql;
  };
  /**
   * Ends a subquery whose columns the query above reads more than once (a value and its checks
   * read each field's kind and text, the checks each typed value again, the verdict the problem
   * list twice). PostgreSQL pulls a plain subquery up into the query above, each of those
   * references becoming the whole expression again: a time bill's date-times were parsed three
   * times and its problem list built twice. `offset 0` keeps a subquery apart, so each value is
   * computed once per record; DuckDB computes a subquery's columns once as it is (and its plan is
   * slower with `offset 0`).
   */
  readonly once: string;
  /** Whether `rec` is a JSON object. */
  readonly isObject: string;
  /** MD5 of the record's JSON text. */
  readonly hash: string;
  /** Whether `rec` (an object) has a key outside `known`. */
  hasOtherKeys(known: readonly string[]): string;
  /** Rows `(field, record)`: each key outside `known` of `stage`'s drifting rows, with one record carrying it. */
  otherKeys(stage: string, known: readonly string[]): string;
  /**
   * `text` as `type`, null when it does not convert; a number past a double's range (what
   * JavaScript reads as Infinity) converts to neither double nor decimal.
   */
  cast(text: string, type: ColumnType): string;
  /** Whether the number written as `text` is a safe integer (what JavaScript's `Number.isSafeInteger` accepts). */
  isSafeInteger(text: string): string;
  /** Whether `text` matches the whole regular expression (RE2 / POSIX syntax common to both). */
  matches(text: string, pattern: string): string;
  /**
   * A vendor date-time (see `extractors/engine/timestamps.ts`) as timestamptz; null when
   * unreadable. `castable`: SQL true when the value is known to have a form that casts.
   */
  timestamp(text: string, timeZone: string, castable?: string): string;
  /** A vendor date or date-time as the UTC calendar date of its instant (zone-less forms read in UTC); null when unreadable. */
  date(text: string, castable?: string): string;
  /** Milliseconds since the epoch of a timestamptz. */
  epochMs(timestamp: string): string;
}

export function jsonSql(wh: Pick<Warehouse, "kind">): JsonSql {
  switch (wh.kind) {
    case "duckdb":
      return DUCKDB;
    case "postgres":
      return POSTGRES;
    default:
      return assertNever(wh.kind, "warehouse kind");
  }
}

/** A SQL string literal. */
export function sqlLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * The vendor date-time grammar, read alike by JavaScript (`parseTimestamp`), DuckDB and PostgreSQL:
 * year 0001–9999 (there was no year 0), clock times 00:00–23:59:59 (no hour 24, no leap second),
 * 1–12 with AM/PM, and zone offsets of hours and minutes up to ±15:59, PostgreSQL's limit (the
 * world's zones span −12:00 to +14:00), only after a time (ISO 8601 gives a date no offset).
 * Months and days the casts check.
 */
const YEAR = String.raw`(000[1-9]|00[1-9]\d|0[1-9]\d{2}|[1-9]\d{3})`;
const CLOCK = String.raw`([01]\d|2[0-3]):[0-5]\d`;
const SECONDS = String.raw`:[0-5]\d(\.\d{1,9})?`;
const OFFSET = String.raw`(Z|[+-](0\d|1[0-5]):?[0-5]\d)`;
const ISO_ZONED = String.raw`${YEAR}-\d{2}-\d{2}[T ]${CLOCK}(${SECONDS})?\s*${OFFSET}`;
const ISO_LOCAL = String.raw`${YEAR}-\d{2}-\d{2}([T ]${CLOCK}(${SECONDS})?)?`;
const US = String.raw`\d{1,2}/\d{1,2}/${YEAR}(\s+(([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d)?|(0?[1-9]|1[0-2]):[0-5]\d(:[0-5]\d)?\s*[AP]M))?`;
/** The forms the vendors send nearly always, read without the general path's clean-up (DuckDB). */
const FAST_ZONED = String.raw`${YEAR}-\d{2}-\d{2}[T ]${CLOCK}${SECONDS}${OFFSET}`;
const FAST_LOCAL = String.raw`${YEAR}-\d{2}-\d{2}[T ]${CLOCK}${SECONDS}`;
const ISO_DATE = String.raw`${YEAR}-\d{2}-\d{2}`;
const US_DATE = String.raw`\d{1,2}/\d{1,2}/${YEAR}`;
const US_FORMATS = [
  "%m/%d/%Y %I:%M %p",
  "%m/%d/%Y %I:%M:%S %p",
  "%m/%d/%Y %I:%M%p",
  "%m/%d/%Y %I:%M:%S%p",
  "%m/%d/%Y %H:%M",
  "%m/%d/%Y %H:%M:%S",
  "%m/%d/%Y",
];

/**
 * ISO date-times PostgreSQL always casts: year 1000–9999, day 01–28 of any month, valid clock
 * times. (Days 29–31 depend on the month and take the guarded path.)
 */
const SAFE_DATE = String.raw`[1-9]\d{3}-(0[1-9]|1[0-2])-(0[1-9]|1\d|2[0-8])`;
const SAFE_TIME = String.raw`[T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?`;
const ZONE = String.raw`(Z|[+-](0\d|1[0-3]):?[0-5]\d)`;

const listOf = (values: readonly string[]) => `[${values.map(sqlLiteral).join(", ")}]`;
const jsonPath = (field: string) => `$."${field.replaceAll('"', '\\"')}"`;
const pathOf = (field: string) => sqlLiteral(jsonPath(field));

const DUCKDB: JsonSql = {
  records: (pages, at, forms = ALL_PAGE_FORMS) => {
    const received = at && forms.received ? duckdbReceived(pages, at) : undefined;
    const rows: string[] = [];
    // Without a received form to read, the array form is read (as PostgreSQL's `records` does).
    if (forms.arrays || received === undefined)
      rows.push(
        `select page_no, drifts, set_aside, unnest(recs) as rec, generate_subscripts(recs, 1) as i
       from (select page_no, drifts, set_aside, json_extract(body, '$[*]') as recs from ${pages} where positions is null)`,
      );
    if (received !== undefined) rows.push(received);
    return `select page_no as _pslink_page, cast(page_no as bigint) * 1000000 + i as _pslink_ord, drifts as _pslink_page_drifts,
       set_aside as _pslink_page_set_aside, rec, false as _pslink_page_castable
     from (${rows.join(" union all ")}) records`;
  },
  // One pass reads every field's kind, another its text.
  prelude: (fields) => [
    `json_type(rec, [${fields.map(pathOf).join(", ")}]) as _t`,
    duckdbFieldTexts(fields),
  ],
  field: (index, name) => {
    const type = `_t[${index + 1}]`;
    return {
      isString: `coalesce(${type} = 'VARCHAR', false)`,
      isNumber: `coalesce(${type} in ('BIGINT', 'UBIGINT', 'DOUBLE'), false)`,
      isBoolean: `coalesce(${type} = 'BOOLEAN', false)`,
      isNull: `coalesce(${type} = 'NULL', false)`,
      isAbsent: `(${type} is null)`,
      text: `_v[${sqlLiteral(name)}]`,
      json: `json_extract(rec, ${pathOf(name)})`,
    };
  },
  // A field of a checked record is of its declared kind when it has a value (its text), and
  // null or absent, whichever its declaration allows, when it has none.
  checked: {
    prelude: (fields) => [duckdbFieldTexts(fields)],
    field: (name, { meta, acceptsNull, acceptsAbsent }) => {
      const text = `_v[${sqlLiteral(name)}]`;
      const given = (kind: typeof meta.kind) =>
        meta.kind === kind ? `(${text} is not null)` : "false";
      return {
        isString: given("string"),
        isNumber: given("number"),
        isBoolean: given("boolean"),
        isNull: acceptsNull ? `(${text} is null)` : "false",
        isAbsent: acceptsAbsent ? `(${text} is null)` : "false",
        text,
        json: `json_extract(rec, ${pathOf(name)})`,
      };
    },
  },
  once: "",
  // `rec` is written by json_extract, without leading white space: its first character tells.
  isObject: "coalesce(starts_with(rec, '{'), false)",
  hash: "md5(rec)",
  hasOtherKeys: (known) => `not list_has_all(${listOf(known)}, json_keys(rec))`,
  otherKeys: (stage, known) =>
    `select field, cast(any_value(_pslink_record) as varchar) as record
     from (select unnest(json_keys(_pslink_record)) as field, _pslink_record from ${stage} where _pslink_drift)
     where not list_contains(${listOf(known)}, field) group by field`,
  cast: (text, type) => {
    const double = `try_cast(${text} as double)`;
    if (type === "decimal") return `try_cast(${double} as ${duckdbType(type)})`;
    if (type === "double") return `case when isfinite(${double}) then ${double} end`;
    return `try_cast(${text} as ${duckdbType(type)})`;
  },
  isSafeInteger: (text) =>
    `coalesce(try_cast(${text} as double) = trunc(try_cast(${text} as double)) and abs(try_cast(${text} as double)) <= 9007199254740991, false)`,
  matches: (text, pattern) => `coalesce(regexp_full_match(${text}, ${sqlLiteral(pattern)}), false)`,
  timestamp: duckdbTimestamp,
  date: (text) => `case
      when regexp_full_match(${text}, ${sqlLiteral(ISO_DATE)}) then try_cast(${text} as date)
      when regexp_full_match(${text}, ${sqlLiteral(US_DATE)}) then cast(try_strptime(${text}, '%m/%d/%Y') as date)
      else cast(timezone('UTC', ${duckdbTimestamp(text, "UTC")}) as date)
    end`,
  epochMs: (timestamp) => `epoch_ms(${timestamp})`,
};

/**
 * Every field's text in one parse: json_transform to a struct of VARCHAR reads values as
 * json_extract_string does (strings unescaped, others as written; null when null or absent).
 */
function duckdbFieldTexts(fields: readonly string[]): string {
  const texts = JSON.stringify(Object.fromEntries(fields.map((field) => [field, "VARCHAR"])));
  return `json_transform(rec, ${sqlLiteral(texts)}) as _v`;
}

/**
 * `page_no, drifts, set_aside, rec, i`: the records `at` reads at `positions` of each received
 * page (never one set aside: those are staged alone, as an array).
 */
function duckdbReceived(pages: string, at: RecordsAt): string {
  const received = `from ${pages} where positions is not null`;
  if ("array" in at) {
    const list = `json_extract(body, ${sqlLiteral(`${jsonPath(at.array)}[*]`)})`;
    const picked = `list_transform(json_transform(positions, '["INTEGER"]'), lambda p: p + 1)`;
    return `select page_no, drifts, null as set_aside, unnest(recs) as rec, generate_subscripts(recs, 1) as i
      from (select page_no, drifts, list_select(${list}, ${picked}) as recs ${received})`;
  }
  // The map's entries joined to the keys picked (a lookup in a DuckDB map scans it). The body is
  // read into the map in one parse: extracting the map first wrote it out as text to parse again.
  const shape = sqlLiteral(JSON.stringify({ [at.map]: "MAP(VARCHAR, JSON)" }));
  const map = `struct_extract(json_transform(body, ${shape}), ${sqlLiteral(at.map)})`;
  return `select entries.page_no, entries.drifts, null as set_aside, entries.rec, picked.i
    from (select page_no, drifts, entry.key as key, entry.value as rec
          from (select page_no, drifts, unnest(map_entries(${map})) as entry ${received})) entries
    join (select page_no, unnest(keys) as key, generate_subscripts(keys, 1) as i
          from (select page_no, json_transform(positions, '["VARCHAR"]') as keys ${received})) picked
      on entries.page_no = picked.page_no and entries.key = picked.key`;
}

const POSTGRES: JsonSql = {
  records: (pages, at, forms = ALL_PAGE_FORMS) => {
    const arrays = `select p.page_no as _pslink_page, p.page_no::bigint * 1000000 + r.i as _pslink_ord,
       p.drifts as _pslink_page_drifts, p.set_aside as _pslink_page_set_aside, r.rec,
       p.castable as _pslink_page_castable
     from ${pages} p cross join lateral jsonb_array_elements(p.body::jsonb) with ordinality as r(rec, i)
     where p.positions is null`;
    if (!at || !forms.received) return arrays;
    const received = postgresReceived(pages, at);
    return forms.arrays ? `${arrays} union all ${received}` : received;
  },
  // Each field's kind and text, read once (the value and its checks use each several times).
  prelude: (fields) =>
    fields.flatMap((name, index) => [
      `jsonb_typeof(rec -> ${sqlLiteral(name)}) as _pslink_kind_${index}`,
      `rec ->> ${sqlLiteral(name)} as _pslink_text_${index}`,
    ]),
  field: (index, name) => {
    const type = `_pslink_kind_${index}`;
    return {
      isString: `coalesce(${type} = 'string', false)`,
      isNumber: `coalesce(${type} = 'number', false)`,
      isBoolean: `coalesce(${type} = 'boolean', false)`,
      isNull: `coalesce(${type} = 'null', false)`,
      isAbsent: `(${type} is null)`,
      text: `_pslink_text_${index}`,
      json: `(rec -> ${sqlLiteral(name)})`,
      castable: "_pslink_page_castable",
    };
  },
  once: " offset 0",
  isObject: "(jsonb_typeof(rec) = 'object')",
  hash: "md5(rec::text)",
  hasOtherKeys: (known) =>
    `(jsonb_typeof(rec) = 'object' and not (array(select jsonb_object_keys(rec)) <@ ${textArray(known)}))`,
  otherKeys: (stage, known) =>
    `select k.field, min(s._pslink_record::text) as record
     from ${stage} s cross join lateral jsonb_object_keys(s._pslink_record::jsonb) as k(field)
     where s._pslink_drift and k.field <> all(${textArray(known)})
     group by k.field`,
  // Every caller guards the cast with a kind test, so the value is of the right shape; its range
  // is guarded here, since PostgreSQL has no try_cast and one failed cast fails the batch.
  cast: postgresCast,
  isSafeInteger: (text) =>
    `(cast(${text} as numeric) = trunc(cast(${text} as numeric)) and abs(cast(${text} as numeric)) <= 9007199254740991)`,
  matches: (text, pattern) => `coalesce(${text} ~ ${sqlLiteral(`^(${pattern})$`)}, false)`,
  timestamp: postgresTimestamp,
  date: (text, castable) =>
    `cast(${postgresTimestamp(text, "UTC", castable)} at time zone 'UTC' as date)`,
  epochMs: (timestamp) => `(extract(epoch from ${timestamp}) * 1000)::bigint`,
};

/**
 * The records `at` reads at `positions` of each received page; `offset 0` keeps each body's parse
 * to once per page, not once per record. A path (`#>`) reads the record in place, where `->` would
 * copy the whole list or map out for every record (3x slower on pages of 1,000 rows).
 */
function postgresReceived(pages: string, at: RecordsAt): string {
  const container = "array" in at ? at.array : at.map;
  const record = `b.body #> array[${sqlLiteral(container)}, k.pos]`;
  return `select p.page_no as _pslink_page, p.page_no::bigint * 1000000 + k.i as _pslink_ord,
       p.drifts as _pslink_page_drifts, null as _pslink_page_set_aside, ${record} as rec,
       p.castable as _pslink_page_castable
     from ${pages} p cross join lateral (select p.body::jsonb as body offset 0) b
     cross join lateral jsonb_array_elements_text(p.positions::jsonb) with ordinality as k(pos, i)
     where p.positions is not null`;
}

/** DuckDB's reading of a vendor date-time (`JsonSql.timestamp`). */
function duckdbTimestamp(text: string, timeZone: string): string {
  const local = (naive: string) => `timezone(${sqlLiteral(timeZone)}, ${naive})`;
  const trimmed = `upper(trim(${text}))`;
  // DuckDB reads "+05:30" only right after the time: drop the space some vendors put first.
  const zoned = `regexp_replace(${trimmed}, '\\s+(Z|[+-]\\d{2}:?\\d{2})$', '\\1')`;
  // The first branches take the vendors' usual forms as they are; the rest clean up first.
  return `case
    when regexp_full_match(${text}, ${sqlLiteral(FAST_ZONED)}) then try_cast(${text} as timestamptz)
    when regexp_full_match(${text}, ${sqlLiteral(FAST_LOCAL)}) then ${local(`try_cast(${text} as timestamp)`)}
    when regexp_full_match(${trimmed}, ${sqlLiteral(ISO_ZONED)}) then try_cast(${zoned} as timestamptz)
    when regexp_full_match(${trimmed}, ${sqlLiteral(ISO_LOCAL)}) then ${local(`try_cast(${trimmed} as timestamp)`)}
    when regexp_full_match(${trimmed}, ${sqlLiteral(US)}) then ${local(`try_strptime(${trimmed}, ${listOf(US_FORMATS)})`)}
  end`;
}

/**
 * PostgreSQL's reading of a vendor date-time (`JsonSql.timestamp`). Values that cannot fail to cast
 * take the inline path; the rest go through migration 0005's function, which reads a failed cast
 * (e.g. 31 February) as null.
 */
function postgresTimestamp(text: string, timeZone: string, castable?: string): string {
  // A regular expression costs ~1 µs a call: a value with no zone after its date (no "Z" at the
  // end, no sign past the first ten characters) is not tested for a zoned form, and one
  // JavaScript found in a safe form (`castable`) is not tested at all.
  const mayBeZoned = `(right(${text}, 1) = 'Z' or strpos(${text}, '+') > 0 or strpos(substr(${text}, 11), '-') > 0)`;
  const zoned = `cast(${text} as timestamptz)`;
  const local = `cast(${text} as timestamp) at time zone ${sqlLiteral(timeZone)}`;
  const known = castable
    ? `when ${castable} then case when ${mayBeZoned} then ${zoned} else ${local} end`
    : "";
  return `case ${known}
    when ${mayBeZoned} and ${text} ~ '^${SAFE_DATE}${SAFE_TIME}${ZONE}$' then ${zoned}
    when ${text} ~ '^${SAFE_DATE}(${SAFE_TIME})?$' then ${local}
    else pslink.parse_timestamp(${text}, ${sqlLiteral(timeZone)})
  end`;
}

/**
 * Whether PostgreSQL casts the date-time `text` without fail: the forms of `postgresTimestamp`'s
 * tested branches, with any day the month has (the 29th to the 31st are what its regular
 * expressions cannot tell). JavaScript's `\d` is ASCII digits only, so it accepts no more than
 * the server's.
 */
export function castsAsIs(text: string): boolean {
  if (!CASTABLE_DATE_TIME.test(text)) return false;
  // Every month has the days up to the 28th; past it, the month's length decides.
  const day = Number(text.slice(8, 10));
  if (day <= 28) return true;
  const [year, month] = [Number(text.slice(0, 4)), Number(text.slice(5, 7))];
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** `postgresTimestamp`'s tested forms (the same time and zone), with days up to the 31st. */
const CASTABLE_DATE_TIME = new RegExp(
  String.raw`^[1-9]\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(${SAFE_TIME}${ZONE}?)?$`,
);

/** The largest double; past it JavaScript reads a number as Infinity. */
const MAX_DOUBLE = "1.7976931348623157e308";
/** Half the smallest double: nearer zero, a number reads as 0 (PostgreSQL's cast fails instead). */
const HALF_MIN_DOUBLE = "2.4703282292062328e-324";

/** PostgreSQL's `JsonSql.cast`. */
function postgresCast(text: string, type: ColumnType): string {
  const numeric = `cast(${text} as numeric)`;
  switch (type) {
    case "bigint":
      return `case when ${plainNumber(text, 18)} or abs(${numeric}) <= 9223372036854775807
        then cast(${numeric} as bigint) end`;
    case "double":
      return `case when ${plainNumber(text, 300)} then cast(${text} as double precision)
        when abs(${numeric}) > ${MAX_DOUBLE} then null
        when abs(${numeric}) < ${HALF_MIN_DOUBLE} then cast(0 as double precision)
        else cast(${text} as double precision) end`;
    case "decimal":
      return `case when ${plainNumber(text, 300)} or abs(${numeric}) <= ${MAX_DOUBLE} then ${numeric} end`;
    default:
      return `cast(${text} as ${postgresCastType(type)})`;
  }
}

/**
 * Whether the number `text` is written without an exponent in at most `chars` characters: then it
 * casts without the range test (bigint takes 18 digits, double 300), which costs a numeric parse.
 */
function plainNumber(text: string, chars: number): string {
  return `(octet_length(${text}) <= ${chars} and strpos(${text}, 'e') = 0 and strpos(${text}, 'E') = 0)`;
}

function textArray(values: readonly string[]): string {
  return `array[${values.map(sqlLiteral).join(", ")}]::text[]`;
}

function postgresCastType(type: ColumnType): string {
  return type === "double" ? "double precision" : type === "decimal" ? "numeric" : type;
}

/** The body of `pslink.parse_timestamp(text, time_zone)` on PostgreSQL (migration 0005). */
export const POSTGRES_PARSE_TIMESTAMP = `create or replace function pslink.parse_timestamp(value text, time_zone text)
returns timestamptz language plpgsql stable set datestyle to 'ISO, MDY' as $fn$
declare
  -- Past microseconds a fraction is cut, as DuckDB and JavaScript do, not rounded up.
  s text := regexp_replace(upper(btrim(value)), '(\\.\\d{6})\\d+', '\\1');
begin
  if s ~ '^(${ISO_ZONED})$' then
    return regexp_replace(s, '\\s+(Z|[+-]\\d{2}:?\\d{2})$', '\\1')::timestamptz;
  elsif s ~ '^(${ISO_LOCAL})$' or s ~ '^(${US})$' then
    return s::timestamp at time zone time_zone;
  end if;
  return null;
exception when others then
  return null;
end
$fn$`;
