/**
 * Rewrites the Jinja2 spellings dbt projects use and nunjucks lacks into ones it has, without
 * changing line numbers (error positions stay true to the file).
 */

/** Prefix given to macros defined in macro files, so calls always go through the registry
 * (no leading underscore: nunjucks does not export such macros). */
export const MACRO_PREFIX = "pslink_macro__";

const TEST_BLOCK = /\{%(-?)\s*test\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(/g;
const END_TEST = /\{%(-?)\s*endtest\s*(-?)%\}/g;
const DO_STATEMENT = /\{%(-?)\s*do\s+/g;
const MACRO_BLOCK = /\{%(-?)\s*macro\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(/g;

/**
 * Prepares a model, test or macro file for nunjucks:
 * - `{% test name(...) %}` … `{% endtest %}` becomes the macro `test_name` (what dbt does too);
 * - `{% do expr %}` becomes `{% set __pslink_do = expr %}` (nunjucks has no `do`);
 * - in macro files, macros get a private prefix so that a call by plain name always resolves
 *   through the project-wide registry (project macros override the built-in ones everywhere).
 */
export function toNunjucks(source: string, options: { macroFile: boolean }): string {
  let text = source
    .replace(TEST_BLOCK, (_match, dash: string, name: string) => `{%${dash} macro test_${name}(`)
    .replace(END_TEST, (_match, open: string, close: string) => `{%${open} endmacro ${close}%}`)
    .replace(DO_STATEMENT, (_match, dash: string) => `{%${dash} set __pslink_do = `);
  if (options.macroFile) {
    text = text.replace(
      MACRO_BLOCK,
      (_match, dash: string, name: string) => `{%${dash} macro ${MACRO_PREFIX}${name}(`,
    );
  }
  return text;
}
