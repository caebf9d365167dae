import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseEnv } from "node:util";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { configError } from "../errors.js";
import { plainIssueMessage, typeName } from "../plain-issues.js";
import { closest } from "../suggest.js";
import { type Env, secretSchemas, withConfigContext } from "./primitives.js";
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
  const merged: Record<string, string | undefined> = { ...parseEnv(readFileSync(dotenv, "utf8")) };
  for (const [name, value] of Object.entries(env)) if (value) merged[name] = value;
  for (const [name, value] of Object.entries(env)) merged[name] ??= value;
  return merged;
}

/** Loads, resolves and validates a config file; every problem is reported at once. */
export function loadConfig(path: string, env?: Env): PslinkConfig {
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
  });
}

/** Validates config text; `file` only labels messages. */
export function parseConfig(
  source: string,
  options: { file: string; baseDir: string; env: Env },
): PslinkConfig {
  const document = parseDocument(source, { prettyErrors: true });
  if (document.errors.length > 0) {
    const first = document.errors[0];
    // The message quotes the offending line, which may hold a secret written inline.
    const message = maskSecretValues(first?.message ?? "parse error");
    throw configError(`${options.file}: not valid YAML: ${message}`, {
      hint: message.includes("${")
        ? 'inside { … } flow mappings, quote ${VAR} references ("${VAR}") or use block style'
        : "fix the YAML syntax at the line shown",
    });
  }
  const raw: unknown = document.toJS() ?? {};
  const parsed = withConfigContext({ env: options.env }, () =>
    configSchema.safeParse(raw, { error: plainIssueMessage }),
  );
  if (!parsed.success) {
    const problems = formatIssues(parsed.error.issues, raw);
    throw configError(
      `${options.file} has ${problems.length} problem(s):\n${problems.join("\n")}`,
      { hint: "see the annotated example in examples/pslink.example.yml" },
    );
  }
  return { ...parsed.data, baseDir: options.baseDir, file: options.file };
}

/** Keys whose values are masked in quoted YAML lines (an inline secret in a broken file). */
const SECRET_LOOKING_VALUE =
  /([\w-]*(?:password|passwd|secret|token|key|credential)[\w-]*["']?\s*:[ \t]*)(?!["']?\$\{)([^\s,}#][^,}\n]*)/gi;

function maskSecretValues(text: string): string {
  return text.replace(SECRET_LOOKING_VALUE, "$1***");
}

/**
 * One line per distinct problem: issues with the same message (a YAML anchor reused under
 * several sources, say) share a line listing their paths.
 */
function formatIssues(issues: readonly z.core.$ZodIssue[], raw: unknown): string[] {
  const paths = new Map<string, string[]>();
  const misspelt = misspeltKeys(issues, raw);
  for (const issue of issues) {
    const path = issue.path.length === 0 ? "(top level)" : issue.path.join(".");
    // `tenat:` for `tenant:` is one mistake: the unknown key's line names the key it meant.
    if (issue.code === "invalid_type" && misspelt.has(path) && !valueAt(raw, issue.path).present)
      continue;
    const message = describeIssue(issue, raw);
    const seen = paths.get(message);
    if (!seen) paths.set(message, [path]);
    else if (!seen.includes(path)) seen.push(path);
  }
  return [...paths].map(([message, where]) => `  - ${where.join(", ")}: ${message}`);
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = allowedKeysAt(issue.path, raw);
      const best = meantKey(issue, raw);
      return `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(", ")}${
        best ? `; did you mean "${best}"?` : allowed ? `; allowed: ${allowed.join(", ")}` : ""
      }`;
    }
    case "invalid_type": {
      // zod 4 does not keep the rejected value on the issue: read it from the parsed YAML.
      const found = valueAt(raw, issue.path);
      const expected = typeName(issue.expected);
      if (!found.present) return `missing: add this key (expected ${expected})`;
      const secret = isSecretAt(issue.path, raw);
      return `expected ${expected}, got ${describeValue(found.value, secret)}${
        secret ? " (write secrets as a ${VAR} reference)" : ""
      }`;
    }
    default:
      return issue.message;
  }
}

/** The value at `path` in the parsed YAML, and whether the key is there at all. */
function valueAt(
  raw: unknown,
  path: readonly PropertyKey[],
): { present: boolean; value?: unknown } {
  let value = raw;
  for (const key of path) {
    if (Array.isArray(value) && typeof key === "number" && key < value.length) value = value[key];
    else if (isMapping(value) && Object.hasOwn(value, String(key))) value = value[String(key)];
    else return { present: false };
  }
  return { present: true, value };
}

/** How a rejected value is shown: a secret's only by its type, never its text. */
function describeValue(value: unknown, secret: boolean): string {
  if (value === null) return "null (an empty value)";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (secret) return `a ${typeof value}`;
  if (typeof value === "string") return `string '${value}'`;
  return `${typeof value} ${String(value)}`;
}

/** Whether `path` leads to a secret field (by its schema, or by a secret-looking key name). */
function isSecretAt(path: readonly PropertyKey[], raw: unknown): boolean {
  const last = String(path[path.length - 1] ?? "");
  if (/password|passwd|secret|token|private_key|_key$|credential/i.test(last)) return true;
  let secret = false;
  walkSchema(path, raw, (schema) => {
    if (secretSchemas.has(schema)) secret = true;
  });
  return secret;
}

/** The keys the mapping at `path` allows, if the schema there is an object. */
function allowedKeysAt(path: readonly PropertyKey[], raw: unknown): readonly string[] | undefined {
  const schema = walkSchema(path, raw);
  const def = schema?._zod.def;
  return def?.type === "object" ? Object.keys((def as z.core.$ZodObjectDef).shape) : undefined;
}

/**
 * Walks the schema along `path` (picking union members by the raw value); `visit` sees every
 * schema passed through, wrappers included. Undefined when the path leaves the schema.
 */
function walkSchema(
  path: readonly PropertyKey[],
  raw: unknown,
  visit: (schema: z.core.$ZodType) => void = () => undefined,
): z.core.$ZodType | undefined {
  let schema: z.core.$ZodType = configSchema;
  let value: unknown = raw;
  for (let depth = 0; depth <= path.length; depth++) {
    schema = unwrap(schema, value, visit);
    if (depth === path.length) break;
    const key = path[depth] as PropertyKey;
    const def = schema._zod.def;
    if (def.type === "object") {
      const shape = (def as z.core.$ZodObjectDef).shape;
      const next = shape[String(key)];
      if (!next) return undefined;
      schema = next;
    } else if (def.type === "record") {
      schema = (def as z.core.$ZodRecordDef).valueType;
    } else {
      return undefined;
    }
    value = isMapping(value) ? value[String(key)] : undefined;
  }
  return schema;
}

function unwrap(
  schema: z.core.$ZodType,
  value: unknown,
  visit: (schema: z.core.$ZodType) => void,
): z.core.$ZodType {
  let current = schema;
  for (;;) {
    visit(current);
    const def = current._zod.def;
    if (
      def.type === "optional" ||
      def.type === "default" ||
      def.type === "prefault" ||
      def.type === "nullable"
    ) {
      current = (def as z.core.$ZodOptionalDef).innerType;
    } else if (def.type === "pipe") {
      current = (def as z.core.$ZodPipeDef).in;
    } else if (def.type === "union") {
      const options = (def as z.core.$ZodUnionDef).options;
      const kind = isMapping(value) ? value.kind : undefined;
      const match = options.find((option) => {
        const optionDef = option._zod.def;
        if (optionDef.type !== "object") return false;
        const kindSchema = (optionDef as z.core.$ZodObjectDef).shape.kind;
        const literal = kindSchema?._zod.def as z.core.$ZodLiteralDef<string> | undefined;
        return literal?.values?.includes(kind as string) ?? false;
      });
      if (!match) return current;
      current = match;
    } else {
      return current;
    }
  }
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The allowed key near enough to an unknown key's first to be what a typo meant, if any. */
function meantKey(issue: z.core.$ZodIssueUnrecognizedKeys, raw: unknown): string | undefined {
  return closest(issue.keys[0] ?? "", allowedKeysAt(issue.path, raw) ?? []);
}

/** The paths (`sources.workday.tenant`) an unknown key's suggestion names. */
function misspeltKeys(issues: readonly z.core.$ZodIssue[], raw: unknown): Set<string> {
  const meant = new Set<string>();
  for (const issue of issues) {
    if (issue.code !== "unrecognized_keys") continue;
    const best = meantKey(issue, raw);
    if (best) meant.add([...issue.path, best].join("."));
  }
  return meant;
}
