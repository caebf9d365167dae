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

/**
 * Parses the SOQL subset the sandbox serves:
 * `SELECT f, … FROM Object [WHERE f op lit AND …] [ORDER BY f [ASC|DESC], …] [LIMIT n]`.
 * Datetimes are unquoted (2026-01-01T00:00:00Z); strings are single-quoted.
 * @see https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select.htm
 */
export function parseSoql(source: string): ParsedQuery {
  const tokens = new Tokens(tokenize(source, "backslash"));
  tokens.expectKeyword("SELECT");
  const fields = [tokens.identifier()];
  while (tokens.punct(",")) fields.push(tokens.identifier());
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
  let limit: number | undefined;
  if (tokens.keyword("LIMIT")) {
    const token = tokens.next();
    if (token.kind !== "number" || !Number.isInteger(token.value) || token.value < 0) {
      throw new QuerySyntaxError("LIMIT takes a whole number");
    }
    limit = token.value;
  }
  if (!tokens.atEnd()) throw new QuerySyntaxError("unexpected token after the query");
  return { fields, from, where, orderBy, ...(limit === undefined ? {} : { limit }) };
}

function literal(tokens: TokenStream): Literal {
  const token = tokens.next();
  switch (token.kind) {
    case "string":
      return { kind: "string", value: token.text };
    case "number":
      return { kind: "number", value: token.value };
    case "datetime": {
      const ms = parseVendorTime(token.text);
      if (Number.isNaN(ms)) throw new QuerySyntaxError(`invalid datetime ${token.text}`);
      return { kind: "time", ms };
    }
    case "word": {
      const word = token.text.toUpperCase();
      if (word === "TRUE" || word === "FALSE") return { kind: "boolean", value: word === "TRUE" };
      if (word === "NULL") return { kind: "null" };
      throw new QuerySyntaxError(`unsupported value ${token.text}`);
    }
    default:
      throw new QuerySyntaxError("expected a value");
  }
}
