import type { z } from "zod";
import { STEP_KINDS, stepSchema } from "../../orchestration/jobs/steps.js";
import { typeName } from "../plain-issues.js";
import { closest } from "../suggest.js";
import { secretSchemas } from "./primitives.js";
import { configSchema } from "./schema.js";

/**
 * One line per distinct problem, each naming the path as written in the YAML: issues with the
 * same message (a YAML anchor reused under several sources, say) share a line listing their paths.
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[], raw: unknown): string[] {
  const paths = new Map<string, string[]>();
  const misspelt = misspeltKeys(issues, raw);
  for (const issue of issues) {
    const at = locate(issue.path, raw);
    // `tenat:` for `tenant:` is one mistake: the unknown key's line names the key it meant.
    if (!at.present && misspelt.has(issue.path.join("."))) continue;
    const path = at.written.length === 0 ? "(top level)" : at.written.join(".");
    const message = describeIssue(issue, at);
    const seen = paths.get(message);
    if (!seen) paths.set(message, [path]);
    else if (!seen.includes(path)) seen.push(path);
  }
  return [...paths].map(([message, where]) => `  - ${where.join(", ")}: ${message}`);
}

/**
 * How a schedule step was written: `sync` (bare), `{ sync: { full_refresh: true } }` (mapping),
 * or a mapping with other than one key (several). `stepSchema` reads the first two as
 * `{ kind: "sync", … }`, so zod's paths name `kind` and the options beside it.
 */
type StepForm =
  | { form: "bare" | "mapping"; name: string }
  | { form: "several"; keys: readonly string[] };

/** Where an issue's path leads, in the schema and in the YAML as written. */
interface Location {
  /** The schema at the path (wrappers removed); undefined when the path leaves the schema. */
  schema: z.core.$ZodType | undefined;
  /** Every schema passed through on the way, wrappers included. */
  passed: z.core.$ZodType[];
  /** Whether the YAML has a value there, and which (a step's short form read as stepSchema does). */
  present: boolean;
  value: unknown;
  /** The path as written: a step's options sit under its name (`steps.0.sync.full_refresh`). */
  written: PropertyKey[];
  /** The step the path ends at, or whose `kind` it ends at, when written in a short form. */
  step?: StepForm;
  /** Whether the path ends at a schedule step. */
  isStep: boolean;
}

/**
 * Walks the schema and the YAML along `path` (zod's path, which reads a step's short form as
 * `{ kind, …options }`), picking union members by `kind`, and keeps the path as written.
 */
function locate(path: readonly PropertyKey[], raw: unknown): Location {
  let schema: z.core.$ZodType | undefined = configSchema;
  const passed: z.core.$ZodType[] = [];
  let present = true;
  let value = raw;
  const written: PropertyKey[] = [];
  let step: StepForm | undefined;
  let isStep = false;
  for (let depth = 0; ; depth++) {
    step = undefined;
    isStep = schema === stepSchema;
    if (isStep) {
      step = stepForm(value);
      if (step?.form === "bare") value = { kind: step.name };
      else if (step?.form === "mapping") value = { kind: step.name, ...optionsOf(value, step) };
    }
    if (schema) schema = unwrap(schema, value, passed);
    if (depth === path.length) break;
    const key = path[depth] as PropertyKey;
    const next = entry(value, key);
    // A short step's name is its `kind`: a problem with it is a problem of the step as written.
    if (step && key === "kind")
      return {
        schema: undefined,
        passed,
        present: next.present,
        value: next.value,
        written,
        step,
        isStep: false,
      };
    if (step?.form === "mapping") written.push(step.name, key);
    else written.push(key);
    schema = schema && child(schema, key);
    present &&= next.present;
    value = next.value;
  }
  // An unknown key of a step written `{ sync: { … } }` sits in the mapping under its name.
  if (step?.form === "mapping") written.push(step.name);
  return { schema, passed, present, value, written, isStep, ...(step ? { step } : {}) };
}

function stepForm(value: unknown): StepForm | undefined {
  if (typeof value === "string") return { form: "bare", name: value };
  if (!isMapping(value) || "kind" in value) return undefined;
  const keys = Object.keys(value);
  return keys.length === 1
    ? { form: "mapping", name: keys[0] as string }
    : { form: "several", keys };
}

function optionsOf(value: unknown, step: { name: string }): Record<string, unknown> {
  const options = isMapping(value) ? value[step.name] : undefined;
  return isMapping(options) ? options : {};
}

/** The value under `key` (a mapping's key or a list's index), and whether it is there at all. */
function entry(value: unknown, key: PropertyKey): { present: boolean; value: unknown } {
  if (Array.isArray(value) && typeof key === "number" && key < value.length)
    return { present: true, value: value[key] };
  if (isMapping(value) && Object.hasOwn(value, String(key)))
    return { present: true, value: value[String(key)] };
  return { present: false, value: undefined };
}

/** The schema of a mapping's key, a record's values or a list's items. */
function child(schema: z.core.$ZodType, key: PropertyKey): z.core.$ZodType | undefined {
  const def = schema._zod.def;
  if (def.type === "object") return (def as z.core.$ZodObjectDef).shape[String(key)];
  if (def.type === "record") return (def as z.core.$ZodRecordDef).valueType;
  if (def.type === "array") return (def as z.core.$ZodArrayDef).element;
  return undefined;
}

/** Removes wrappers (optional, default, pipes, the union member `value.kind` picks). */
function unwrap(
  schema: z.core.$ZodType,
  value: unknown,
  passed: z.core.$ZodType[],
): z.core.$ZodType {
  let current = schema;
  for (;;) {
    passed.push(current);
    const def = current._zod.def;
    if (
      def.type === "optional" ||
      def.type === "default" ||
      def.type === "prefault" ||
      def.type === "nullable"
    ) {
      current = (def as z.core.$ZodOptionalDef).innerType;
    } else if (def.type === "pipe") {
      // `a.transform(f)` checks `a` first; `z.preprocess(f, b)` checks `b` after `f`.
      const pipe = def as z.core.$ZodPipeDef;
      current = pipe.in._zod.def.type === "transform" ? pipe.out : pipe.in;
    } else if (def.type === "union") {
      const options = (def as z.core.$ZodUnionDef).options;
      const kind = isMapping(value) ? value.kind : undefined;
      const match = options.find((option) => kindsOf(option).includes(kind as string));
      if (!match) return current;
      current = match;
    } else {
      return current;
    }
  }
}

/** The `kind` literal(s) of a union member. */
function kindsOf(option: z.core.$ZodType): readonly unknown[] {
  const def = option._zod.def;
  if (def.type !== "object") return [];
  const kind = (def as z.core.$ZodObjectDef).shape.kind?._zod.def as
    | z.core.$ZodLiteralDef<string>
    | undefined;
  return kind?.values ?? [];
}

function describeIssue(issue: z.core.$ZodIssue, at: Location): string {
  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = allowedKeys(at);
      const best = closest(issue.keys[0] ?? "", allowed ?? []);
      const unknown = `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
      if (best) return `${unknown}; did you mean "${best}"?`;
      if (allowed?.length === 0 && at.step?.form === "mapping")
        return `${unknown}: ${at.step.name} takes no options, write it as a bare name (- ${at.step.name})`;
      return `${unknown}${allowed ? `; allowed: ${allowed.join(", ")}` : ""}`;
    }
    case "invalid_type": {
      // zod 4 does not keep the rejected value on the issue: read it from the parsed YAML.
      const expected = at.isStep
        ? `a step: a name (${STEP_KINDS.join(", ")}) or one with its options ({ sync: { full_refresh: true } })`
        : typeName(issue.expected);
      if (!at.present) return `missing: add this key (expected ${expected})`;
      const secret = isSecret(issue.path, at);
      return `expected ${expected}, got ${describeValue(at.value, secret)}${
        secret ? " (write secrets as a ${VAR} reference)" : quoteAdvice(issue, at.value)
      }`;
    }
    case "invalid_union":
      return unionMessage(issue, at);
    default:
      return issue.message;
  }
}

/**
 * A discriminator no member has (`kind: ducdb`, a step `snyc`): the value written and the
 * nearest kind. A value none of a plain union's types takes: those types (`10m` or a number).
 */
function unionMessage(issue: z.core.$ZodIssueInvalidUnion, at: Location): string {
  const kinds = (issue as { options?: readonly unknown[] }).options;
  if (kinds && kinds.length > 0) {
    if (at.step?.form === "several")
      return `a step is one name or one name with its options ({ sync: { full_refresh: true } }); this mapping has ${
        at.step.keys.length === 0
          ? "no key"
          : `${at.step.keys.length} keys (${at.step.keys.join(", ")})`
      }: write each step as an item of its own`;
    if (typeof at.value !== "string") return issue.message;
    const got = issue.message.includes("; got ") ? "" : `; got '${at.value}'`;
    const near = kinds.length > 1 ? closest(at.value, kinds.map(String)) : undefined;
    return `${issue.message}${got}${near ? `; did you mean "${near}"?` : ""}`;
  }
  // Each member's own first complaint, when all are about the value's type.
  const types = issue.errors.map((errors) => errors[0]);
  if (!types.every((first) => first?.code === "invalid_type" && first.path.length === 0))
    return issue.message;
  const expected = [
    ...new Set(types.map((first) => typeName((first as z.core.$ZodIssueInvalidType).expected))),
  ].join(" or ");
  if (!at.present) return `missing: add this key (expected ${expected})`;
  return `expected ${expected}, got ${describeValue(at.value, false)}`;
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
function isSecret(path: readonly PropertyKey[], at: Location): boolean {
  const last = String(path[path.length - 1] ?? "");
  if (/password|passwd|secret|token|private_key|_key$|credential/i.test(last)) return true;
  return at.passed.some((schema) => secretSchemas.has(schema));
}

/** The keys the mapping at a location allows, if the schema there is an object. */
function allowedKeys(at: Location): readonly string[] | undefined {
  const def = at.schema?._zod.def;
  if (def?.type !== "object") return undefined;
  const keys = Object.keys((def as z.core.$ZodObjectDef).shape);
  // Under `sync:` in `{ sync: { … } }`, the name is the step's kind: only its options remain.
  return at.step ? keys.filter((key) => key !== "kind") : keys;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** zod's paths (`sources.workday.tenant`) of the keys unknown keys' suggestions name. */
function misspeltKeys(issues: readonly z.core.$ZodIssue[], raw: unknown): Set<string> {
  const meant = new Set<string>();
  for (const issue of issues) {
    if (issue.code !== "unrecognized_keys") continue;
    const best = closest(issue.keys[0] ?? "", allowedKeys(locate(issue.path, raw)) ?? []);
    if (best) meant.add([...issue.path, best].join("."));
  }
  return meant;
}

/**
 * For text YAML read as a number or true/false (`account_id: 1234567`, `api_version: 60.0`):
 * quotes keep it text as written.
 */
function quoteAdvice(issue: z.core.$ZodIssue, value: unknown): string {
  if (issue.code !== "invalid_type" || issue.expected !== "string") return "";
  if (typeof value !== "number" && typeof value !== "boolean") return "";
  const key = issue.path[issue.path.length - 1];
  return `: YAML reads it unquoted as a ${typeof value === "number" ? "number" : "true/false"}; write it in quotes as you mean it (${typeof key === "string" ? key : "key"}: "…")`;
}
