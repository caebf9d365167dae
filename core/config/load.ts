import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseEnv } from "node:util";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { configError } from "../errors.js";
import { type Env, withConfigContext } from "./primitives.js";
import { configSchema, type PslinkConfig } from "./schema.js";

export const DEFAULT_CONFIG_FILE = "pslink.yml";

/** Finds the config: an explicit path, `PSLINK_CONFIG`, or `pslink.yml` in the working folder. */
export function resolveConfigPath(explicit?: string, env: Env = process.env): string {
  return resolve(explicit ?? env.PSLINK_CONFIG ?? DEFAULT_CONFIG_FILE);
}

/** The process environment, with the config folder's `.env` filling gaps (never overriding). */
export function configEnv(baseDir: string, env: Env = process.env): Env {
  const dotenv = resolve(baseDir, ".env");
  if (!existsSync(dotenv)) return env;
  return { ...parseEnv(readFileSync(dotenv, "utf8")), ...env };
}

/** Loads, resolves and validates a config file; every problem is reported at once. */
export function loadConfig(path: string, env?: Env): PslinkConfig {
  const file = resolve(path);
  if (!existsSync(file)) {
    throw configError(`config file ${file} does not exist`, {
      hint: "pass --config PATH, set PSLINK_CONFIG, or run `pslink sandbox start --write-config DIR` for a working example",
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
    const message = first?.message ?? "parse error";
    throw configError(`${options.file}: not valid YAML: ${message}`, {
      hint: message.includes("${")
        ? 'inside { … } flow mappings, quote ${VAR} references ("${VAR}") or use block style'
        : "fix the YAML syntax at the line shown",
    });
  }
  const raw: unknown = document.toJS() ?? {};
  const parsed = withConfigContext({ env: options.env }, () => configSchema.safeParse(raw));
  if (!parsed.success) {
    throw configError(
      `${options.file} has ${parsed.error.issues.length} problem(s):\n${formatIssues(parsed.error.issues, raw)}`,
      { hint: "see the annotated example in examples/pslink.example.yml" },
    );
  }
  return { ...parsed.data, baseDir: options.baseDir, file: options.file };
}

function formatIssues(issues: readonly z.core.$ZodIssue[], raw: unknown): string {
  return issues
    .map((issue) => {
      const path = issue.path.length === 0 ? "(top level)" : issue.path.join(".");
      return `  - ${path}: ${describeIssue(issue, raw)}`;
    })
    .join("\n");
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = allowedKeysAt(issue.path, raw);
      return `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(", ")}${
        allowed ? `; did you mean ${suggest(issue.keys[0] ?? "", allowed)}?` : ""
      }`;
    }
    case "invalid_type":
      return issue.input === undefined
        ? `missing: add this key (expected ${issue.expected})`
        : `expected ${issue.expected}, got ${describeValue(issue.input)}`;
    default:
      return issue.message;
  }
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** Walks the schema along `path` (picking union members by the raw value) to list a mapping's keys. */
function allowedKeysAt(path: readonly PropertyKey[], raw: unknown): readonly string[] | undefined {
  let schema: z.core.$ZodType = configSchema;
  let value: unknown = raw;
  for (let depth = 0; depth <= path.length; depth++) {
    schema = unwrap(schema, value);
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
  const def = schema._zod.def;
  return def.type === "object" ? Object.keys((def as z.core.$ZodObjectDef).shape) : undefined;
}

function unwrap(schema: z.core.$ZodType, value: unknown): z.core.$ZodType {
  let current = schema;
  for (;;) {
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

function suggest(key: string, allowed: readonly string[]): string {
  const best = [...allowed].sort((a, b) => editDistance(key, a) - editDistance(key, b))[0];
  return best ? `"${best}"` : allowed.join(", ");
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] as number;
      row[j] = Math.min(
        (row[j] as number) + 1,
        (row[j - 1] as number) + 1,
        previous + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      previous = current;
    }
  }
  return row[b.length] as number;
}
