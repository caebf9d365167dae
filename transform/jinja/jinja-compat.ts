import nunjucks from "nunjucks";

/** The part of nunjucks' runtime module this file patches (not in @types/nunjucks). */
interface NunjucksRuntime {
  memberLookup: (this: unknown, obj: unknown, key: unknown, ...rest: unknown[]) => unknown;
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

let installed = false;

/**
 * Installs nunjucks' own Jinja compatibility (True/False/None, list and dict methods, slices)
 * plus Python string methods. Both patch the nunjucks runtime process-wide, so this runs once.
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
}
