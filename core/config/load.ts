import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseEnv } from "node:util";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { configError } from "../errors.js";
import { logger } from "../logger.js";
import { plainIssueMessage } from "../plain-issues.js";
import { formatIssues } from "./config-issues.js";
import { type Env, MISSING_SECRET, withConfigContext } from "./primitives.js";
import { configSchema, type PslinkConfig } from "./schema.js";

export const DEFAULT_CONFIG_FILE = "pslink.yml";

/** Finds the config: an explicit path, `PSLINK_CONFIG`, or `pslink.yml` in the working folder. */
export function resolveConfigPath(explicit?: string, env: Env = process.env): string {
  return resolve(explicit ?? env.PSLINK_CONFIG ?? DEFAULT_CONFIG_FILE);
}

/**
 * The process environment, with the config folder's `.env` filling gaps: variables that are
 * not set, or set but empty (an exported `X=` would otherwise hide the file's value). A
 * non-empty environment value always wins.
 */
export function configEnv(baseDir: string, env: Env = process.env): Env {
  const dotenv = resolve(baseDir, ".env");
  if (!existsSync(dotenv)) return env;
  const text = readFileSync(dotenv, "utf8");
  const parsed = parseEnv(text);
  const cut = cutAtHash(text, parsed).filter((name) => !env[name]);
  if (cut.length > 0)
    throw configError(
      `${dotenv}: the value of ${cut.join(", ")} holds a # without quotes, and a .env file reads everything from that # on as a comment, so only what is before it would be used`,
      {
        hint: `quote the value: ${cut[0]}="…" (single quotes if it holds a $ or a "); a comment after a value needs a space before its #`,
      },
    );
  const merged: Record<string, string | undefined> = { ...parsed };
  for (const [name, value] of Object.entries(env)) if (value) merged[name] = value;
  for (const [name, value] of Object.entries(env)) merged[name] ??= value;
  return merged;
}

const ENV_LINE = /^\s*(?:export\s+)?([\w.-]+)\s*=\s*(.*)$/;

/**
 * Variables whose unquoted value has a `#` glued to it (`Ab@cd/ef#gh`), which Node's parseEnv
 * cut there as a comment: a password losing its tail would only show as a refused sign-in. A
 * `#` after a space is a comment, as dotenv files write them.
 */
function cutAtHash(text: string, parsed: Env): string[] {
  const cut: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const [, name, value = ""] = ENV_LINE.exec(line) ?? [];
    if (name === undefined || /^["'`]/.test(value)) continue;
    const hash = value.indexOf("#");
    if (
      hash > 0 &&
      !/\s/.test(value[hash - 1] ?? "") &&
      parsed[name] === value.slice(0, hash).trim()
    )
      cut.push(name);
  }
  return cut;
}

/** Loads, resolves and validates a config file; every problem is reported at once. */
export function loadConfig(path: string, env?: Env, scope: ConfigScope = {}): PslinkConfig {
  const file = resolve(path);
  if (!existsSync(file)) {
    throw configError(`config file ${file} does not exist`, {
      hint: "pass --config PATH, set PSLINK_CONFIG, or run `pslink sandbox start --write-config DIR` for a working example",
    });
  }
  if (statSync(file).isDirectory()) {
    throw configError(`config path ${file} is a directory, not a file`, {
      hint: `name the file itself, e.g. --config ${resolve(file, DEFAULT_CONFIG_FILE)}`,
    });
  }
  const baseDir = dirname(file);
  return parseConfig(readFileSync(file, "utf8"), {
    file,
    baseDir,
    env: env ?? configEnv(baseDir),
    ...scope,
  });
}

/** What a command will call, so that it needs only those sources' secrets. */
export interface ConfigScope {
  /**
   * The source systems the command calls (undefined: all of them). A source outside them whose
   * only problem is a secret with no value is left out of the config, with a warning, instead of
   * failing a command that never calls it (`pslink runs` while one token is being rotated).
   */
  readonly sources?: readonly string[];
}

/** Validates config text; `file` only labels messages. */
export function parseConfig(
  source: string,
  options: { file: string; baseDir: string; env: Env } & ConfigScope,
): PslinkConfig {
  const document = parseDocument(source, { prettyErrors: true });
  if (document.errors.length > 0) {
    const first = document.errors[0];
    // The message quotes the offending line, which may hold a secret written inline.
    const message = maskSecretValues(first?.message ?? "parse error");
    throw configError(`${options.file}: not valid YAML: ${message}`, {
      hint: message.includes("${")
        ? 'inside { … } flow mappings, quote ${VAR} references ("${VAR}") or use block style'
        : "correct the YAML syntax at the line shown",
    });
  }
  const raw: unknown = document.toJS() ?? {};
  const validate = (doc: unknown) =>
    withConfigContext({ env: options.env }, () =>
      configSchema.safeParse(doc, { error: plainIssueMessage }),
    );
  let parsed = validate(raw);
  const unneeded = parsed.success
    ? undefined
    : unneededSources(parsed.error.issues, options.sources);
  if (unneeded) {
    const { sources, ...rest } = raw as { sources: Record<string, unknown> };
    const kept = Object.fromEntries(
      Object.entries(sources).filter(([name]) => !unneeded.has(name)),
    );
    const without = validate({ ...rest, sources: kept });
    if (without.success) {
      parsed = without;
      for (const [name, variables] of unneeded)
        logger.warn(
          { source: name },
          `sources.${name} is left out of this command, which does not call it: ${variables.join(", ")} ${variables.length === 1 ? "has" : "have"} no value (a command that calls ${name} needs ${variables.length === 1 ? "it" : "them"})`,
        );
    }
  }
  if (!parsed.success) {
    const problems = formatIssues(parsed.error.issues, raw);
    throw configError(
      `${options.file} has ${problems.length} problem(s):\n${problems.join("\n")}`,
      { hint: "see the annotated example in examples/pslink.example.yml" },
    );
  }
  return { ...parsed.data, baseDir: options.baseDir, file: options.file };
}

/**
 * The sources outside `scope` whose every problem is a secret with no value, with those
 * variables' names; undefined when any other problem remains (or no scope was given), which is
 * then reported in full.
 */
function unneededSources(
  issues: readonly z.core.$ZodIssue[],
  scope: readonly string[] | undefined,
): Map<string, string[]> | undefined {
  if (scope === undefined) return undefined;
  const unneeded = new Map<string, string[]>();
  for (const issue of issues) {
    const [section, name] = issue.path;
    const variable = (issue as { params?: Record<string, unknown> }).params?.[MISSING_SECRET];
    if (section !== "sources" || typeof name !== "string" || scope.includes(name)) return undefined;
    if (typeof variable !== "string") return undefined;
    unneeded.set(name, [...(unneeded.get(name) ?? []), variable]);
  }
  return unneeded;
}

/** Keys whose values are masked in quoted YAML lines (an inline secret in a broken file). */
const SECRET_LOOKING_VALUE =
  /([\w-]*(?:password|passwd|secret|token|key|credential)[\w-]*["']?\s*:[ \t]*)(?!["']?\$\{)([^\s,}#][^,}\n]*)/gi;

function maskSecretValues(text: string): string {
  return text.replace(SECRET_LOOKING_VALUE, "$1***");
}
