import type { Warehouse } from "./warehouse.js";

/**
 * Why the models' name matching would read text differently on this PostgreSQL database than on
 * DuckDB, or undefined when it would not. PostgreSQL's `lower()` folds by the database's
 * `LC_CTYPE`: under `C` or `POSIX` only ASCII letters (`lower('ÉCOLE')` is `École`), and a
 * database not in UTF8 does not hold Unicode text at all; DuckDB folds every letter, and the
 * models compare names lower-cased (R08, identity resolution).
 */
export async function postgresTextCaveat(warehouse: Warehouse): Promise<string | undefined> {
  if (warehouse.kind !== "postgres") return undefined;
  const [row] = await warehouse.query<{ ctype: string; encoding: string }>(
    `select datctype as ctype, pg_encoding_to_char(encoding) as encoding
     from pg_database where datname = current_database()`,
  );
  if (!row) return undefined;
  const fix =
    "create the database with a UTF-8 locale (createdb --encoding UTF8 --locale C.UTF-8 --template template0 NAME)";
  if (row.encoding !== "UTF8") {
    return `the database's encoding is ${row.encoding}, not UTF8: names with letters beyond ASCII are not matched as on DuckDB; ${fix}`;
  }
  if (/^(c|posix)$/i.test(row.ctype)) {
    return `the database's LC_CTYPE is ${row.ctype}: lower() folds only ASCII letters, so names that differ in the case of other letters (É, é) do not match as they do on DuckDB; ${fix}`;
  }
  return undefined;
}
