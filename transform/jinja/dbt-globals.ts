import type nunjucks from "nunjucks";
import { configError } from "../../core/errors.js";
import type { WarehouseKind } from "../../warehouse/warehouse.js";
import { splitArguments } from "./nunjucks-internals.js";
import type { QuoteIdentifier } from "./relation.js";
import type { RenderSession } from "./render-session.js";

/** dbt's `target`: which warehouse a project is built in. */
export interface TargetInfo {
  readonly name: string;
  readonly type: WarehouseKind;
  readonly schema: string;
  readonly threads: number;
  readonly profile_name: string;
}

export type MacroFunction = (...args: unknown[]) => unknown;

/** Thrown by `{{ return(x) }}`; the macro call that is running catches it and yields `x`. */
export class MacroReturn {
  constructor(readonly value: unknown) {}
}

/** What the globals need from the runtime that owns them. */
export interface GlobalsHost {
  readonly target: TargetInfo;
  readonly projectName: string;
  readonly quote: QuoteIdentifier;
  readonly runStartedAt: Date;
  readonly invocationId: string;
  /** The session of the render in progress (globals are only reachable from inside one). */
  current(): RenderSession;
  macro(name: string): MacroFunction | undefined;
  /** Remembers an error a global raised: nunjucks rethrows only its text. */
  noteError(error: unknown): void;
}

const text = (value: unknown): string => String(value ?? "");

/** Python's datetime printing, which models sometimes embed (`'{{ run_started_at }}'`). */
function pythonTimestamp(date: Date): string {
  return `${date.toISOString().replace("T", " ").replace("Z", "")}000+00:00`;
}

/** Wraps a global's functions so that the errors they raise reach the host intact. */
function guarded(host: GlobalsHost, value: unknown): unknown {
  if (typeof value === "function") {
    const fn = value as MacroFunction;
    const wrapped = (...args: unknown[]) => {
      try {
        return fn(...args);
      } catch (error) {
        if (!(error instanceof MacroReturn)) host.noteError(error);
        throw error;
      }
    };
    return Object.assign(wrapped, guardedMembers(host, value));
  }
  return typeof value === "object" && value !== null ? guardedMembers(host, value) : value;
}

function guardedMembers(host: GlobalsHost, value: object): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(value).map(([key, member]) => [
      key,
      typeof member === "function" ? guarded(host, member) : member,
    ]),
  );
}

/**
 * Installs dbt's Jinja context as nunjucks globals. Values that change per render (`this`,
 * `model`, `execute`) are getters reading the current session, so macros compiled once see the
 * node that calls them, as in dbt.
 */
export function installDbtGlobals(env: nunjucks.Environment, host: GlobalsHost): void {
  const globals: Record<string, unknown> = {
    ref: (...args: unknown[]) => {
      const { positional } = splitArguments(args);
      return host.current().ref(text(positional.at(-1)));
    },
    source: (sourceName: unknown, tableName: unknown) =>
      host.current().source(text(sourceName), text(tableName)),
    config: Object.assign(
      (...args: unknown[]) => {
        const { positional, keywords } = splitArguments(args);
        const dict = positional[0];
        host
          .current()
          .config(typeof dict === "object" && dict !== null ? { ...dict, ...keywords } : keywords);
        return "";
      },
      {
        get: (key: unknown, fallback?: unknown) =>
          host.current().configValue(text(key), fallback ?? null),
        require: (key: unknown) => {
          const value = host.current().configValue(text(key), undefined);
          if (value === undefined) throw configError(`config '${text(key)}' is required here`);
          return value;
        },
      },
    ),
    var: (...args: unknown[]) => {
      const { positional } = splitArguments(args);
      return host.current().variable(text(positional[0]), {
        given: positional.length > 1,
        value: positional[1],
      });
    },
    env_var: (...args: unknown[]) => {
      const { positional } = splitArguments(args);
      const name = text(positional[0]);
      const value = process.env[name];
      if (value !== undefined) return value;
      if (positional.length > 1) return positional[1];
      throw configError(`env var required but not set: ${name}`);
    },
    is_incremental: () => host.current().options.isIncremental === true,
    target: host.target,
    project_name: host.projectName,
    run_started_at: {
      toString: () => pythonTimestamp(host.runStartedAt),
      isoformat: () => host.runStartedAt.toISOString(),
    },
    invocation_id: host.invocationId,
    adapter: {
      quote: (identifier: unknown) => host.quote(text(identifier)),
      dispatch: (...args: unknown[]) => {
        const name = text(splitArguments(args).positional[0]);
        const implementation =
          host.macro(`${host.target.type}__${name}`) ?? host.macro(`default__${name}`);
        if (!implementation) {
          throw configError(
            `adapter.dispatch: no macro ${host.target.type}__${name} or default__${name}`,
          );
        }
        return implementation;
      },
    },
    exceptions: {
      raise_compiler_error: (message: unknown) => {
        throw configError(text(message));
      },
      warn: (message: unknown) => {
        host.current().logs.push(`warning: ${text(message)}`);
        return "";
      },
    },
    log: (message: unknown) => {
      host.current().logs.push(text(message));
      return "";
    },
    return: (value: unknown) => {
      throw new MacroReturn(value);
    },
    zip: (...lists: unknown[]) => {
      const arrays = lists.filter(Array.isArray);
      const length = Math.min(...arrays.map((list) => list.length));
      return Array.from({ length }, (_unused, index) => arrays.map((list) => list[index]));
    },
  };
  for (const [name, value] of Object.entries(globals)) env.addGlobal(name, guarded(host, value));
  const perRender: Record<string, () => unknown> = {
    this: () => host.current().options.thisRelation,
    model: () => host.current().node,
    execute: () => host.current().options.phase === "execute",
    flags: () => ({ FULL_REFRESH: host.current().options.fullRefresh === true }),
  };
  const globalsObject = (env as unknown as { globals: Record<string, unknown> }).globals;
  for (const [name, read] of Object.entries(perRender)) {
    Object.defineProperty(globalsObject, name, { get: read, enumerable: true, configurable: true });
  }
}
