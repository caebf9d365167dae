import type { WarehouseKind } from "../../warehouse/warehouse.js";

/**
 * JSON that parses in JavaScript yet that a warehouse refuses: a lone UTF-16 surrogate escape
 * (text cut inside an emoji; DuckDB and PostgreSQL both reject the whole document), `\u0000`
 * (PostgreSQL's jsonb cannot hold it) and numbers whose exponent is past what PostgreSQL's
 * numeric holds (DuckDB stores both as sent). One such record would fail its whole batch on every
 * rerun, so it is set aside before the warehouse reads it, and quarantined in a form every
 * warehouse stores.
 */

/** What of such JSON a warehouse refuses besides lone surrogates, which every warehouse does. */
export interface JsonRefusals {
  /** `\u0000`. */
  readonly nul: boolean;
  /** Numbers past PostgreSQL's numeric (each written with an exponent of five digits or more). */
  readonly hugeNumbers: boolean;
}

/** What each warehouse refuses (DuckDB: checked on 1.5 with `json_extract`, `md5` and inserts). */
export const JSON_REFUSALS: Readonly<Record<WarehouseKind, JsonRefusals>> = {
  duckdb: { nul: false, hugeNumbers: false },
  postgres: { nul: true, hugeNumbers: true },
};

/**
 * Cheap tests of a whole response: only text that passes one needs the per-record check. A whole
 * surrogate pair (an emoji a vendor writes escaped) passes neither; an escaped backslash before
 * `u` may pass, and the check then finds nothing. The escapes' tests run only on text with `\u`;
 * the exponent's, a scan of the whole text (about a sixth of `JSON.parse`'s time), only where
 * the warehouse refuses huge numbers.
 */
const LONE_SURROGATE = /\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])|(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f]/i;
const NUL_ESCAPE = /\\u0000/;
const LONG_EXPONENT = /\d[eE][+-]?\d{5}/;

/** Escapes (a backslash and what it escapes) and numbers with their exponent, strings skipped. */
const TOKENS = /\\u([0-9a-fA-F]{4})|\\.|"|(-?\d+(?:\.\d+)?[eE][+-]?\d+)/g;

/** Whether `json` may hold something the warehouse refuses (never false when it does). */
export function maySetAside(json: string, refuses: JsonRefusals): boolean {
  if (json.includes("\\u") && (LONE_SURROGATE.test(json) || (refuses.nul && NUL_ESCAPE.test(json))))
    return true;
  return refuses.hugeNumbers && LONG_EXPONENT.test(json);
}

/** A record a warehouse cannot store as sent: why, and its JSON in a form every warehouse stores. */
export interface SetAside {
  readonly reason: string;
  readonly json: string;
}

/**
 * `json` (one record) when the warehouse would refuse it: each lone surrogate (and `\u0000`)
 * escape written out as text (a backslash more, so `\ud83d` reads as those six characters), each
 * number past the warehouse's range written as a string. Undefined when the warehouse stores it.
 */
export function setAside(json: string, refuses: JsonRefusals): SetAside | undefined {
  const found = new Set<string>();
  const kept = new Set<string>();
  let out = "";
  let copied = 0;
  let inString = false;
  const rewrite = (start: number, end: number, replacement: string) => {
    out += json.slice(copied, start) + replacement;
    copied = end;
  };
  TOKENS.lastIndex = 0;
  for (let match = TOKENS.exec(json); match; match = TOKENS.exec(json)) {
    const [token, hex, number] = match;
    const end = match.index + token.length;
    if (token === '"') inString = !inString;
    else if (number !== undefined) {
      if (inString || !refuses.hugeNumbers || !pastNumeric(number)) continue;
      found.add(`a number (${number}) past the range PostgreSQL's numeric holds`);
      kept.add("each such number as a string");
      rewrite(match.index, end, JSON.stringify(number));
    } else if (hex !== undefined) {
      const code = Number.parseInt(hex, 16);
      if (code >= 0xd800 && code <= 0xdbff && /^\\u[dD][c-fC-F]/.test(json.slice(end, end + 4))) {
        TOKENS.lastIndex = end + 6; // a whole surrogate pair: its low half is fine too
        continue;
      }
      if (code === 0 && refuses.nul)
        found.add("a NUL character (\\u0000), which PostgreSQL cannot store");
      else if (code >= 0xd800 && code <= 0xdfff)
        found.add(`a lone UTF-16 surrogate (${token}), which the warehouse cannot store`);
      else continue;
      kept.add("each such escape written out as text (\\\\u…)");
      rewrite(match.index, match.index, "\\");
    }
  }
  if (found.size === 0) return undefined;
  return {
    reason: `text holds ${[...found].join(" and ")}: kept here with ${[...kept].join(" and ")}`,
    json: out + json.slice(copied),
  };
}

/**
 * Whether PostgreSQL's numeric (which jsonb stores numbers in) refuses the number: more than
 * 131,072 digits before the point or 16,383 after it, once the exponent is applied.
 */
function pastNumeric(number: string): boolean {
  const [, whole = "", fraction = "", exponent = "0"] =
    /^-?(\d+)(?:\.(\d+))?[eE]([+-]?\d+)$/.exec(number) ?? [];
  const shift = Number(exponent);
  const scale = fraction.length - shift;
  const digits = whole.replace(/^0+/, "").length + shift;
  const zero = /^[0.]*$/.test(whole + fraction);
  return scale > 16_383 || (!zero && digits > 131_072);
}
