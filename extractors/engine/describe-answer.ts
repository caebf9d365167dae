import { STATUS_CODES } from "node:http";
import { redact } from "../../core/secret.js";
import type { HttpResponse } from "./http-client.js";

/** Longest page title quoted in a message. */
const TITLE_LENGTH = 80;

/**
 * What an answer that should have been JSON is when it is markup: `an HTML page titled "Sign in
 * to Workday"`, `an XML document (<env:Envelope>)`. Undefined for anything else (a JSON body cut
 * short, say, which another attempt may mend). A base URL or token URL pointing at the vendor's
 * web application, a sign-in page or a portal in front of the network answers with markup, and
 * every retry would get the same page.
 */
export function markupAnswer(response: HttpResponse): string | undefined {
  const type = contentType(response);
  const text = response.body.trimStart();
  // JSON cut short, whatever the content type claims: another attempt may mend it.
  if (text.startsWith("{") || text.startsWith("[")) return undefined;
  const html =
    type.includes("html") || /^(<!--[\s\S]*?-->\s*)*<(!doctype\s+html|html)\b/i.test(text);
  if (html) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.replace(/\s+/g, " ").trim();
    return title ? `an HTML page titled "${redact(clip(title))}"` : "an HTML page";
  }
  if (!type.includes("xml") && !text.startsWith("<")) return undefined;
  const root = /<([A-Za-z_][\w:.-]*)/.exec(text.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->/g, ""));
  return root ? `an XML document (<${root[1]}>)` : "an XML document";
}

/** Longest plain-text answer quoted whole; a longer one is a document, not a message. */
const TEXT_LENGTH = 300;

/**
 * A short plain-text answer, quoted: what a gateway, load balancer or web server says beside an
 * error status (`"no healthy upstream"`, `"Client sent an HTTP request to an HTTPS server."`).
 * Its first line only. Undefined for JSON, markup, an empty body, a long text or the status's own
 * name.
 */
export function textAnswer(response: HttpResponse): string | undefined {
  const type = contentType(response);
  if (type !== "" && !type.startsWith("text/plain")) return undefined;
  const text = response.body.trim();
  if (text === "" || text.length > TEXT_LENGTH || /^[[{<]/.test(text)) return undefined;
  const line = (text.split(/\r?\n/, 1)[0] ?? "").trim();
  // `Not Implemented` beside 501 says nothing the status does not.
  if (line.toLowerCase() === STATUS_CODES[response.status]?.toLowerCase()) return undefined;
  return `"${redact(clip(line))}"`;
}

/** What an answer that is not the vendor's says: a page's title, else a line of text. */
export function gatewayAnswer(response: HttpResponse): string | undefined {
  return markupAnswer(response) ?? textAnswer(response);
}

/** A retried status's reason with what its answer said (a 429's body adds nothing). */
export function withAnswer(
  reason: string,
  response: HttpResponse,
  describeBody?: (body: string) => string | undefined,
): string {
  // The vendor's own error (`describeBody` reads it out of the body), else a gateway's answer.
  const said =
    response.status === 429
      ? undefined
      : (describeBody?.(response.body) ?? gatewayAnswer(response));
  return said ? `${reason}: ${said}` : reason;
}

/** The answer's Content-Type header, lower case, parameters kept (`text/html; charset=utf-8`). */
function contentType(response: HttpResponse): string {
  const raw = response.headers["content-type"];
  return (Array.isArray(raw) ? raw[0] : raw)?.toLowerCase() ?? "";
}

function clip(text: string): string {
  return text.length > TITLE_LENGTH ? `${text.slice(0, TITLE_LENGTH - 1)}…` : text;
}
