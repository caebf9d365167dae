import nunjucks from "nunjucks";

/** The part of nunjucks' runtime module this file patches (not in @types/nunjucks). */
interface NunjucksRuntime {
  memberLookup: (this: unknown, obj: unknown, key: unknown, ...rest: unknown[]) => unknown;
}

/** The part of nunjucks' compiler module this file patches (not in @types/nunjucks). */
interface NunjucksCompiler {
  Compiler: { prototype: { getCode(this: unknown): string } };
}

type StringMethod = (text: string, ...args: unknown[]) => unknown;

const text = (value: unknown): string =>
  value === undefined || value === null ? "" : String(value);

const stripChars = (chars: unknown): string =>
  chars === undefined || chars === null ? "\\s" : text(chars).replace(/[\\\]^-]/g, "\\$&");

/** Python `str` methods dbt macros call on strings (`'x'.upper()`, `', '.join(cols)`, …). */
const STRING_METHODS: Record<string, StringMethod> = {
  upper: (value) => value.toUpperCase(),
  lower: (value) => value.toLowerCase(),
  strip: (value, chars) =>
    value.replace(new RegExp(`^[${stripChars(chars)}]+|[${stripChars(chars)}]+$`, "g"), ""),
  lstrip: (value, chars) => value.replace(new RegExp(`^[${stripChars(chars)}]+`), ""),
  rstrip: (value, chars) => value.replace(new RegExp(`[${stripChars(chars)}]+$`), ""),
  split: (value, separator) =>
    separator === undefined || separator === null
      ? value.trim().split(/\s+/)
      : value.split(text(separator)),
  replace: (value, from, to) => value.split(text(from)).join(text(to)),
  startswith: (value, prefix) => value.startsWith(text(prefix)),
  endswith: (value, suffix) => value.endsWith(text(suffix)),
  title: (value) =>
    value.replace(/\w\S*/g, (word) => word[0]?.toUpperCase() + word.slice(1).toLowerCase()),
  capitalize: (value) => value.charAt(0).toUpperCase() + value.slice(1).toLowerCase(),
  join: (value, items) => (Array.isArray(items) ? items.map(text).join(value) : text(items)),
  format: (value, ...args) => {
    let next = 0;
    return value.replace(/\{(\d*)\}/g, (_match, index: string) =>
      text(args[index === "" ? next++ : Number(index)]),
    );
  },
};

/** A compiled macro's start, after it has made its own frame: `var callerFrame = frame; frame = …;`. */
const MACRO_START =
  /var callerFrame = frame;\nframe = (?:new runtime\.Frame\(\)|frame\.push\(true\));\n/g;
/** A compiled macro's end: the caller's frame back, then the macro's output. */
const MACRO_END =
  /frame = (?:callerFrame|frame\.pop\(\));\nreturn new runtime\.SafeString\((t_\d+)\);\n\}\);/g;

/**
 * nunjucks compiles a macro as `callerFrame = frame; frame = <its own>; …body…; frame =
 * callerFrame`, on a `frame` variable every macro of the template shares. A macro that ends by
 * throwing, as dbt's `return()` does, skipped that last step: the macro of the same file that
 * called it went on with the callee's frame and lost its own variables. The frame is given back
 * in a `finally` instead. Source this does not recognise is left as nunjucks wrote it.
 */
export function restoreMacroFrames(source: string): string {
  const starts = source.match(MACRO_START)?.length ?? 0;
  const ends = source.match(MACRO_END)?.length ?? 0;
  if (starts === 0 || starts !== ends) return source;
  return source
    .replace(MACRO_START, (start) => `${start}try {\n`)
    .replace(
      MACRO_END,
      (_end, buffer: string) =>
        `return new runtime.SafeString(${buffer});\n} finally { frame = callerFrame; }\n});`,
    );
}

let installed = false;

/**
 * Installs nunjucks' own Jinja compatibility (True/False/None, list and dict methods, slices),
 * Python string methods, and macros that give their caller's frame back when they throw
 * (`restoreMacroFrames`). They patch nunjucks process-wide, so this runs once.
 */
export function installJinjaCompatibility(): void {
  if (installed) return;
  installed = true;
  nunjucks.installJinjaCompat();
  const runtime = (nunjucks as unknown as { runtime: NunjucksRuntime }).runtime;
  const jinjaLookup = runtime.memberLookup;
  runtime.memberLookup = function memberLookup(obj, key, ...rest) {
    if (typeof obj === "string" && typeof key === "string" && rest.length === 0) {
      const method = Object.hasOwn(STRING_METHODS, key) ? STRING_METHODS[key] : undefined;
      if (method) return (...args: unknown[]) => method(obj, ...args);
    }
    return jinjaLookup.call(this, obj, key, ...rest);
  };
  const compiler = (nunjucks as unknown as { compiler: NunjucksCompiler }).compiler.Compiler;
  const getCode = compiler.prototype.getCode;
  compiler.prototype.getCode = function code() {
    return restoreMacroFrames(getCode.call(this));
  };
}
