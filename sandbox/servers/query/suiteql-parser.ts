import {
  QuerySyntaxError,
  readCondition,
  readSortKey,
  type TokenStream,
  TokenStream as Tokens,
  tokenize,
} from "./query-lexer.js";
import type { Condition, Literal, ParsedQuery, SortKey } from "./query-model.js";
import { parseVendorTime } from "./query-model.js";

const TIMESTAMP_FORMAT = "YYYY-MM-DD HH24:MI:SS";
const DATE_FORMAT = "YYYY-MM-DD";

/**
 * Parses the SuiteQL subset the sandbox serves:
 * `SELECT cols|* FROM table [WHERE col op lit AND …] ORDER BY col [ASC|DESC], …`, where a
 * literal is a quoted string, a number, `TO_TIMESTAMP('…', 'YYYY-MM-DD HH24:MI:SS')` or
 * `TO_DATE('…', 'YYYY-MM-DD')` (read in the account's time zone, UTC here).
 * @see https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_157909186990.html
 */
export function parseSuiteql(source: string): ParsedQuery {
  const tokens = new Tokens(tokenize(source, "double"));
  tokens.expectKeyword("SELECT");
  let fields: string[] | "*";
  if (tokens.punct("*")) {
    fields = "*";
  } else {
    fields = [tokens.identifier()];
    while (tokens.punct(",")) fields.push(tokens.identifier());
  }
  tokens.expectKeyword("FROM");
  const from = tokens.identifier();
  const where: Condition[] = [];
  if (tokens.keyword("WHERE")) {
    where.push(readCondition(tokens, literal));
    while (tokens.keyword("AND")) where.push(readCondition(tokens, literal));
  }
  const orderBy: SortKey[] = [];
  if (tokens.keyword("ORDER")) {
    tokens.expectKeyword("BY");
    orderBy.push(readSortKey(tokens));
    while (tokens.punct(",")) orderBy.push(readSortKey(tokens));
  }
  if (!tokens.atEnd()) throw new QuerySyntaxError("unexpected token after the query");
  return { fields, from, where, orderBy };
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
