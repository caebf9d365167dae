import {
  columnName,
  declaredField,
  declaredFields,
  type StreamDefinition,
} from "../extractors/engine/define-stream.js";
import { jsonSql } from "../warehouse/json-sql.js";
import type { Warehouse } from "../warehouse/warehouse.js";
import type { LandingLayout } from "./landing-layout.js";

/**
 * Fills columns just added to current state (fields a newer declaration introduced) from the raw
 * version each row holds, the one with its key and content hash. Without it a row keeps null
 * there until its record changes: a full refresh does not rewrite it, its hash being the same.
 * A value that does not pass the field's check stays null (a record arriving with it now would
 * be quarantined).
 */
export async function backfillColumns(
  wh: Warehouse,
  layout: LandingLayout,
  stream: StreamDefinition,
  columns: readonly string[],
  timeZone = "UTC",
): Promise<void> {
  const fields = declaredFields(stream).filter((field) => columns.includes(columnName(field)));
  if (fields.length === 0) return;
  const sql = jsonSql(wh);
  const q = (name: string) => wh.quote(name);
  const keys = layout.keys.map((key) => q(key.name));
  const record = wh.kind === "postgres" ? "r._pslink_record::jsonb" : "r._pslink_record";
  // Levels: the held versions → the prelude → typed values → checked values.
  // Raw versions were checked when they landed, not for castable date-times: they take the tests.
  const versions = `select ${keys.map((key) => `r.${key}`).join(", ")}, r._pslink_hash, ${record} as rec,
      false as _pslink_page_castable,
      row_number() over (partition by ${keys.map((key) => `r.${key}`).join(", ")}, r._pslink_hash
        order by r._pslink_extracted_at desc) as _pslink_version
    from ${wh.qualified(layout.raw)} r`;
  const prelude = sql
    .prelude(fields)
    .map((item) => `, ${item}`)
    .join("");
  const parsed = `select *${prelude} from (${versions}) versions where _pslink_version = 1`;
  const values = fields.map((name, index) => {
    const { meta } = declaredField(stream, name);
    return `${meta.value(sql.field(index, name), sql, timeZone)} as ${q(columnName(name))}`;
  });
  const typed = `select *, ${values.join(", ")} from (${parsed}) parsed`;
  const checked = fields.map((name, index) => {
    const column = q(columnName(name));
    const { meta } = declaredField(stream, name);
    return `case when ${meta.valid(sql.field(index, name), sql, column)} then ${column} end as ${column}`;
  });
  const filled = `select ${keys.join(", ")}, _pslink_hash, ${checked.join(", ")} from (${typed}) typed`;
  const text = wh.sqlType("text");
  await wh.execute(
    `update ${wh.qualified(layout.src)} as c set ${fields
      .map((name) => `${q(columnName(name))} = b.${q(columnName(name))}`)
      .join(", ")}
     from (${filled}) b
     where ${keys.map((key) => `b.${key} = cast(c.${key} as ${text})`).join(" and ")}
       and b._pslink_hash = c._pslink_hash`,
  );
}
