import {
  QuerySyntaxError,
  readSortKey,
  type TokenStream,
  TokenStream as Tokens,
  tokenize,
} from "./query-lexer.js";
import type { Condition, Literal, Operator, SortKey } from "./query-model.js";
import { parseVendorTime } from "./query-model.js";

const TIMESTAMP_FORMAT = "YYYY-MM-DD HH24:MI:SS";
const DATE_FORMAT = "YYYY-MM-DD";

/** A selected column: `col`, or `TO_CHAR(col, 'format')`, optionally `AS name`. */
export interface SelectColumn {
  field: string;
  /** The item's key (SuiteQL lower-cases column names). */
  name: string;
  /** The TO_CHAR format, when the column is written through it. */
  format?: string;
}

/** `col IN (SELECT col FROM table [WHERE …])`. */
export interface SubqueryCondition {
  field: string;
  op: "in";
  query: SuiteqlQuery;
}

export type SuiteqlCondition = Condition | SubqueryCondition;

export interface SuiteqlQuery {
  columns: SelectColumn[] | "*";
  from: string;
  where: SuiteqlCondition[];
  orderBy: SortKey[];
}

/**
 * Parses the SuiteQL subset the sandbox serves:
 * `SELECT cols|* FROM table [WHERE cond AND …] ORDER BY col [ASC|DESC], …`, where a column is
 * `col` or `TO_CHAR(col, 'YYYY-MM-DD HH24:MI:SS') [AS] name`, a condition is `col op literal` or
 * `col IN (SELECT col FROM table [WHERE …])`, and a literal is a quoted string, a number,
 * `TO_TIMESTAMP('…', 'YYYY-MM-DD HH24:MI:SS')` or `TO_DATE('…', 'YYYY-MM-DD')` (read in the
 * integration user's time zone, UTC here).
 * @see https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_157909186990.html
 */
export function parseSuiteql(source: string): SuiteqlQuery {
  const tokens = new Tokens(tokenize(source, "double"));
  const query = readSelect(tokens);
  if (!tokens.atEnd()) throw new QuerySyntaxError("unexpected token after the query");
  return query;
}

function readSelect(tokens: TokenStream): SuiteqlQuery {
  tokens.expectKeyword("SELECT");
  let columns: SelectColumn[] | "*";
  if (tokens.punct("*")) {
    columns = "*";
  } else {
    columns = [readColumn(tokens)];
    while (tokens.punct(",")) columns.push(readColumn(tokens));
  }
  tokens.expectKeyword("FROM");
  const from = tokens.identifier();
  const where: SuiteqlCondition[] = [];
  if (tokens.keyword("WHERE")) {
    where.push(readCondition(tokens));
    while (tokens.keyword("AND")) where.push(readCondition(tokens));
  }
  const orderBy: SortKey[] = [];
  if (tokens.keyword("ORDER")) {
    tokens.expectKeyword("BY");
    orderBy.push(readSortKey(tokens));
    while (tokens.punct(",")) orderBy.push(readSortKey(tokens));
  }
  return { columns, from, where, orderBy };
}

function readColumn(tokens: TokenStream): SelectColumn {
  const word = tokens.identifier();
  if (word.toUpperCase() !== "TO_CHAR" || !tokens.punct("(")) {
    return { field: word, name: readAlias(tokens) ?? word.toLowerCase() };
  }
  const field = tokens.identifier();
  if (!tokens.punct(",")) throw new QuerySyntaxError("TO_CHAR needs a format argument");
  const format = tokens.next();
  if (format.kind !== "string") throw new QuerySyntaxError("write the TO_CHAR format as '…'");
  if (!tokens.punct(")")) throw new QuerySyntaxError("expected ) after the TO_CHAR format");
  const name = readAlias(tokens);
  if (name === undefined) {
    throw new QuerySyntaxError(`name the column: TO_CHAR(${field}, '${format.text}') AS ${field}`);
  }
  return { field, name, format: format.text };
}

/** `[AS] name`, lower-cased, when the column has one. */
function readAlias(tokens: TokenStream): string | undefined {
  if (tokens.keyword("AS")) return tokens.identifier().toLowerCase();
  const next = tokens.peek();
  if (next?.kind !== "word" || next.text.toUpperCase() === "FROM") return undefined;
  return tokens.identifier().toLowerCase();
}

function readCondition(tokens: TokenStream): SuiteqlCondition {
  const field = tokens.identifier();
  if (tokens.keyword("IN")) {
    if (!tokens.punct("(")) throw new QuerySyntaxError("expected ( after IN");
    const query = readSelect(tokens);
    if (!tokens.punct(")")) throw new QuerySyntaxError("expected ) after the subquery");
    if (query.columns === "*" || query.columns.length !== 1 || query.columns[0]?.format) {
      throw new QuerySyntaxError("an IN subquery selects exactly one column");
    }
    return { field, op: "in", query };
  }
  const op = tokens.next();
  if (op.kind !== "op") throw new QuerySyntaxError(`expected a comparison after ${field}`);
  return { field, op: op.text as Operator, value: literal(tokens) };
}

function literal(tokens: TokenStream): Literal {
  const token = tokens.next();
  if (token.kind === "string") return { kind: "string", value: token.text };
  if (token.kind === "number") return { kind: "number", value: token.value };
  if (token.kind === "word") {
    const name = token.text.toUpperCase();
    if (name === "NULL") return { kind: "null" };
    if (name === "TO_TIMESTAMP") return conversion(tokens, TIMESTAMP_FORMAT);
    if (name === "TO_DATE") return conversion(tokens, DATE_FORMAT);
  }
  throw new QuerySyntaxError("expected a quoted string, a number, TO_TIMESTAMP(…) or TO_DATE(…)");
}

function conversion(tokens: TokenStream, format: string): Literal {
  if (!tokens.punct("(")) throw new QuerySyntaxError("expected ( after the conversion function");
  const value = tokens.next();
  if (!tokens.punct(",")) throw new QuerySyntaxError("the conversion needs a format argument");
  const pattern = tokens.next();
  if (!tokens.punct(")")) throw new QuerySyntaxError("expected ) after the format");
  if (value.kind !== "string" || pattern.kind !== "string" || pattern.text !== format) {
    throw new QuerySyntaxError(`write the literal as '…' with the format '${format}'`);
  }
  const ms = parseVendorTime(value.text);
  const shape =
    format === DATE_FORMAT ? /^\d{4}-\d{2}-\d{2}$/ : /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
  if (!shape.test(value.text) || Number.isNaN(ms)) {
    throw new QuerySyntaxError(`'${value.text}' does not match the format '${format}'`);
  }
  return { kind: "time", ms };
}
