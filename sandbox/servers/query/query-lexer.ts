import type { Condition, Literal, Operator, SortKey } from "./query-model.js";

/** Tokens of the small SOQL and SuiteQL subsets the sandbox understands. */
export type Token =
  | { kind: "word"; text: string }
  | { kind: "string"; text: string }
  | { kind: "number"; value: number }
  | { kind: "datetime"; text: string }
  | { kind: "op"; text: string }
  | { kind: "punct"; text: "," | "(" | ")" | "*" };

/** A query the sandbox cannot read; servers turn it into the vendor's 400. */
export class QuerySyntaxError extends Error {
  override readonly name = "QuerySyntaxError";
}

const DATETIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2}))?/;
const NUMBER = /^-?\d+(?:\.\d+)?/;
const WORD = /^[A-Za-z_][A-Za-z0-9_.]*/;
const OPERATOR = /^(?:<=|>=|!=|<>|=|<|>)/;

/**
 * Splits a query into tokens. `quoteEscape` is how a quote is written inside a string:
 * SOQL uses a backslash, SuiteQL (Oracle) doubles it.
 */
export function tokenize(source: string, quoteEscape: "backslash" | "double"): Token[] {
  const tokens: Token[] = [];
  let rest = source.trim();
  while (rest.length > 0) {
    const first = rest[0] as string;
    if (/\s/.test(first)) {
      rest = rest.trimStart();
      continue;
    }
    if (first === "'") {
      const { text, length } = readString(rest, quoteEscape);
      tokens.push({ kind: "string", text });
      rest = rest.slice(length);
      continue;
    }
    if (first === "," || first === "(" || first === ")" || first === "*") {
      tokens.push({ kind: "punct", text: first });
      rest = rest.slice(1);
      continue;
    }
    const [token, length] = readAtom(rest);
    tokens.push(token);
    rest = rest.slice(length);
  }
  return tokens;
}

function readAtom(rest: string): [Token, number] {
  const datetime = DATETIME.exec(rest);
  if (datetime) return [{ kind: "datetime", text: datetime[0] }, datetime[0].length];
  const number = NUMBER.exec(rest);
  if (number) return [{ kind: "number", value: Number(number[0]) }, number[0].length];
  const word = WORD.exec(rest);
  if (word) return [{ kind: "word", text: word[0] }, word[0].length];
  const op = OPERATOR.exec(rest);
  if (op) return [{ kind: "op", text: op[0] === "<>" ? "!=" : op[0] }, op[0].length];
  throw new QuerySyntaxError(`unexpected character '${rest[0]}'`);
}

function readString(
  rest: string,
  quoteEscape: "backslash" | "double",
): { text: string; length: number } {
  let text = "";
  let i = 1;
  while (i < rest.length) {
    const char = rest[i] as string;
    if (quoteEscape === "backslash" && char === "\\" && i + 1 < rest.length) {
      text += rest[i + 1];
      i += 2;
    } else if (char === "'" && quoteEscape === "double" && rest[i + 1] === "'") {
      text += "'";
      i += 2;
    } else if (char === "'") {
      return { text, length: i + 1 };
    } else {
      text += char;
      i += 1;
    }
  }
  throw new QuerySyntaxError("unterminated string literal");
}

/** A cursor over tokens with the few helpers both parsers need. */
export class TokenStream {
  #index = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  peek(): Token | undefined {
    return this.tokens[this.#index];
  }

  next(): Token {
    const token = this.tokens[this.#index];
    if (token === undefined) throw new QuerySyntaxError("unexpected end of query");
    this.#index += 1;
    return token;
  }

  atEnd(): boolean {
    return this.#index >= this.tokens.length;
  }

  /** True (and consumed) when the next token is the keyword `word`, any case. */
  keyword(word: string): boolean {
    const token = this.peek();
    if (token?.kind === "word" && token.text.toUpperCase() === word) {
      this.#index += 1;
      return true;
    }
    return false;
  }

  expectKeyword(word: string): void {
    if (!this.keyword(word)) throw new QuerySyntaxError(`expected ${word}`);
  }

  punct(text: "," | "(" | ")" | "*"): boolean {
    const token = this.peek();
    if (token?.kind === "punct" && token.text === text) {
      this.#index += 1;
      return true;
    }
    return false;
  }

  identifier(): string {
    const token = this.next();
    if (token.kind !== "word") throw new QuerySyntaxError("expected a field or table name");
    return token.text;
  }
}

/** `field op literal`, with the dialect's own literal reader. */
export function readCondition(
  tokens: TokenStream,
  literal: (tokens: TokenStream) => Literal,
): Condition {
  const field = tokens.identifier();
  const op = tokens.next();
  if (op.kind !== "op") throw new QuerySyntaxError(`expected a comparison after ${field}`);
  return { field, op: op.text as Operator, value: literal(tokens) };
}

/** `field [ASC|DESC]`. */
export function readSortKey(tokens: TokenStream): SortKey {
  const field = tokens.identifier();
  if (tokens.keyword("DESC")) return { field, descending: true };
  tokens.keyword("ASC");
  return { field, descending: false };
}
