import { writeNumberTexts } from "../world/number-text.js";
import type { Reply, SandboxRequest } from "./server-types.js";

const JSON_TYPE = "application/json; charset=utf-8";

/** A JSON reply from a value. */
export function json(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return jsonText(status, JSON.stringify(value), headers);
}

/** A JSON reply from text already serialised (page bodies built by concatenation). */
export function jsonText(
  status: number,
  body: string,
  headers: Record<string, string> = {},
): Reply {
  return {
    status,
    headers: { "content-type": JSON_TYPE, ...headers },
    body: writeNumberTexts(body),
  };
}

/** A reply without a body (204 and friends). */
export function empty(status: number, headers: Record<string, string> = {}): Reply {
  return { status, headers };
}

/** The request body as JSON, or undefined when it is empty or not JSON. */
export function bodyJson(request: SandboxRequest): unknown {
  if (request.body.trim() === "") return undefined;
  try {
    return JSON.parse(request.body) as unknown;
  } catch {
    return undefined;
  }
}

/** The request body as an HTML form (token endpoints). */
export function bodyForm(request: SandboxRequest): URLSearchParams {
  return new URLSearchParams(request.body);
}

/** Narrows an unknown value to a plain JSON object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The bearer token of a request, if it sent one. */
export function bearerToken(request: SandboxRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== "string") return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match?.[1];
}

/** Parses an integer query parameter; undefined when absent, NaN when not an integer. */
export function intParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === "") return undefined;
  return /^-?\d+$/.test(raw) ? Number(raw) : Number.NaN;
}
