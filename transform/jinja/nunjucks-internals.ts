/** The parts of nunjucks' runtime API used here that @types/nunjucks does not declare. */

/** `Environment.addTest`: custom `is` tests (`x is none`). */
export interface EnvironmentWithTests {
  addTest(name: string, test: (value: unknown) => boolean): unknown;
}

/** `Template.getExported`: runs a template's top level and returns the macros it defines. */
export interface ExportingTemplate {
  getExported(
    context: object,
    parentFrame: null,
    callback: (error: Error | null, exported: Record<string, unknown>) => void,
  ): void;
}

/** nunjucks passes keyword arguments as a last argument object flagged `__keywords`. */
export interface KeywordArguments {
  readonly __keywords: true;
  readonly [name: string]: unknown;
}

/** Splits a call's arguments the way nunjucks packs them: positional, then keywords. */
export function splitArguments(args: readonly unknown[]): {
  positional: unknown[];
  keywords: Record<string, unknown>;
} {
  const last = args.at(-1);
  if (typeof last === "object" && last !== null && Object.hasOwn(last, "__keywords")) {
    const { __keywords: _flag, ...keywords } = last as KeywordArguments;
    return { positional: args.slice(0, -1), keywords };
  }
  return { positional: [...args], keywords: {} };
}

/** Packs keyword arguments for a call into a nunjucks macro. */
export function keywordArguments(values: Record<string, unknown>): KeywordArguments {
  return { ...values, __keywords: true };
}
