import { transientError } from "../../core/errors.js";

/** The array at `field` of a response body; a page without it is malformed (retried). */
export function arrayField(body: unknown, field: string, label: string): unknown[] {
  const value = isObject(body) ? body[field] : undefined;
  if (!Array.isArray(value))
    throw transientError(`${label}: response has no "${field}" list (malformed page)`);
  return value;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** First `{message}`-like text of a vendor error body, for error messages. */
export function vendorMessage(
  body: string,
  pick: (parsed: unknown) => unknown,
): string | undefined {
  try {
    const found = pick(JSON.parse(body));
    return typeof found === "string" && found.length > 0 ? found.slice(0, 300) : undefined;
  } catch {
    return undefined;
  }
}
