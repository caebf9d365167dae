import { randomUUID } from "node:crypto";
import nunjucks from "nunjucks";
import { configError, PslinkError } from "../../core/errors.js";
import {
  type GlobalsHost,
  installDbtGlobals,
  type MacroFunction,
  MacroReturn,
  type TargetInfo,
} from "./dbt-globals.js";
import { installJinjaCompatibility } from "./jinja-compat.js";
import { installDbtFilters } from "./jinja-filters.js";
import { MACRO_PREFIX, toNunjucks } from "./jinja-source.js";
import { type ExportingTemplate, keywordArguments } from "./nunjucks-internals.js";
import type { QuoteIdentifier } from "./relation.js";
import type { RenderSession } from "./render-session.js";

/** A compiled model, test or macro file. */
export interface CompiledTemplate {
  readonly path: string;
  readonly template: nunjucks.Template;
}

/**
 * One nunjucks environment configured as dbt's Jinja, with the project's macros registered
 * by name. Rendering is synchronous, so one session at a time is "current" (a stack, because
 * a macro may be called while rendering another node's config, e.g. generate_schema_name).
 */
export class JinjaRuntime implements GlobalsHost {
  readonly runStartedAt = new Date();
  readonly invocationId = randomUUID();
  private readonly env: nunjucks.Environment;
  private readonly macros = new Map<string, MacroFunction>();
  private readonly sessions: RenderSession[] = [];
  /** The PslinkError a global raised in this render: nunjucks keeps only its text. */
  private raised: PslinkError | undefined;

  constructor(
    readonly target: TargetInfo,
    readonly projectName: string,
    readonly quote: QuoteIdentifier,
  ) {
    installJinjaCompatibility();
    this.env = new nunjucks.Environment(null, {
      autoescape: false,
      throwOnUndefined: false,
      dev: true,
    });
    installDbtFilters(this.env);
    installDbtGlobals(this.env, this);
  }

  /** Compiles a model or test file (Jinja → nunjucks spelling first). */
  compile(path: string, source: string): CompiledTemplate {
    const template = new nunjucks.Template(
      toNunjucks(source, { macroFile: false }),
      this.env,
      path,
    );
    try {
      // nunjucks compiles lazily; compile now so a syntax error names the file at load time
      (template as unknown as { compile(): void }).compile();
    } catch (error) {
      throw templateError(path, error, undefined);
    }
    return { path, template };
  }

  /** Registers every macro of a macro file; a later file's macro overrides an earlier one's. */
  addMacroFile(path: string, source: string): void {
    const template = new nunjucks.Template(toNunjucks(source, { macroFile: true }), this.env, path);
    let exported: Record<string, unknown> = {};
    let failure: unknown;
    (template as unknown as ExportingTemplate).getExported({}, null, (error, result) => {
      failure = error ?? undefined;
      exported = result ?? {};
    });
    if (failure !== undefined) throw templateError(path, failure, undefined);
    for (const [name, value] of Object.entries(exported)) {
      if (!name.startsWith(MACRO_PREFIX) || typeof value !== "function") continue;
      const macroName = name.slice(MACRO_PREFIX.length);
      const macro = value as MacroFunction;
      this.macros.set(macroName, macro);
      this.env.addGlobal(macroName, (...args: unknown[]) => this.invokeMacro(macroName, args));
    }
  }

  hasMacro(name: string): boolean {
    return this.macros.has(name);
  }

  /** The registered macro `name`, callable from JS and from templates. */
  macro(name: string): MacroFunction | undefined {
    return this.macros.has(name) ? (...args: unknown[]) => this.invokeMacro(name, args) : undefined;
  }

  noteError(error: unknown): void {
    if (error instanceof PslinkError && this.raised === undefined) this.raised = error;
  }

  current(): RenderSession {
    const session = this.sessions.at(-1);
    if (!session) throw configError("dbt context used outside of a render");
    return session;
  }

  /** Renders a compiled file within `session`. */
  render(compiled: CompiledTemplate, session: RenderSession): string {
    return this.within(session, compiled.path, () => compiled.template.render({}));
  }

  /** Renders a Jinja snippet (a YAML test argument, a hook) within `session`. */
  renderString(source: string, session: RenderSession, path: string): string {
    return this.within(session, path, () =>
      this.env.renderString(toNunjucks(source, { macroFile: false }), {}),
    );
  }

  /** Calls macro `name` with keyword arguments within `session`; returns its output text. */
  callMacro(
    name: string,
    session: RenderSession,
    args: Record<string, unknown>,
    path: string,
  ): unknown {
    if (!this.macros.has(name)) throw configError(`${path}: no macro named ${name}`);
    return this.within(session, path, () => this.invokeMacro(name, [keywordArguments(args)]));
  }

  private invokeMacro(name: string, args: readonly unknown[]): unknown {
    const macro = this.macros.get(name);
    if (!macro) throw configError(`no macro named ${name}`);
    try {
      return macro(...args);
    } catch (error) {
      if (error instanceof MacroReturn) return error.value;
      this.noteError(error);
      throw error;
    }
  }

  private within<T>(session: RenderSession, path: string, render: () => T): T {
    this.sessions.push(session);
    try {
      return render();
    } catch (error) {
      throw templateError(path, error, this.raised);
    } finally {
      this.sessions.pop();
      this.raised = undefined;
    }
  }
}

/** Turns a nunjucks error into a config error naming the file and line. */
function templateError(path: string, error: unknown, raised: PslinkError | undefined): PslinkError {
  if (error instanceof PslinkError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const line = lineOf(error, message);
  const where = `${path}${line === undefined ? "" : ` line ${line}`}`;
  if (raised) {
    return new PslinkError(raised.kind, `${where}: ${raised.message}`, {
      cause: raised,
      hint: raised.hint,
    });
  }
  const cleaned = message
    .replace(/^\([^)]*\)\s*(\[Line \d+, Column \d+\])?\s*/, "")
    .replace(/^(\w*Error): /, "");
  return configError(`${where}: ${cleaned}`, { cause: error });
}

/**
 * nunjucks numbers render-time lines from 0 and syntax-error lines from 1. A render-time error
 * on the first line (0) has no `[Line …]` in its message (nunjucks writes it only when the line
 * is not 0), and only its `lineno`: a syntax error's is never 0.
 */
function lineOf(error: unknown, message: string): number | undefined {
  const rendered = /\[Line (\d+), Column \d+\]/.exec(message)?.[1];
  if (rendered !== undefined) return Number(rendered) + 1;
  const parsed = (error as { lineno?: unknown } | null)?.lineno;
  if (typeof parsed !== "number") return undefined;
  return parsed === 0 ? 1 : parsed;
}
