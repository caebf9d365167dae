import { assertNever } from "../../core/errors.js";
import type { Fault, FaultKind } from "./fault-injector.js";
import type { Reply, SandboxRequest, SystemApi } from "./server-types.js";

/** The answer a fault gives instead of the route's, in the system's own conventions. */
export function faultReply(api: SystemApi, fault: Fault, request: SandboxRequest): Reply {
  const own = api.faultReply?.(fault, request);
  if (own) return own;
  const kind = fault.kind;
  switch (kind) {
    case "http_429":
    case "sf_request_limit":
      return api.errors.rateLimited();
    case "http_429_retry_after":
      return api.errors.rateLimited(fault.retry_after_s ?? 1);
    case "http_500":
      return api.errors.serverError(500);
    case "http_503":
      return api.errors.serverError(503);
    case "expired_token":
      return api.errors.unauthorized();
    case "write_validation":
      return api.errors.validation("rejected by a validation rule (sandbox fault)", undefined);
    case "expired_locator":
      return api.errors.notFound("query locator expired (sandbox fault)");
    case "gateway_page":
      return htmlPage(502, GATEWAY_PAGE);
    case "firewall_page":
      return htmlPage(403, FIREWALL_PAGE);
    case "timeout":
    case "slow":
    case "truncated_json":
    case "malformed_json":
      return { status: 500, body: `fault ${kind} does not replace the answer` };
    default:
      return assertNever(kind, "fault kind");
  }
}

/** nginx's own page when the API behind it does not answer: not the vendor's error shape. */
const GATEWAY_PAGE =
  "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

/** A CDN's web application firewall refusing the request before it reaches the API. */
const FIREWALL_PAGE =
  "<HTML><HEAD>\n<TITLE>Access Denied</TITLE>\n</HEAD><BODY>\n<H1>Access Denied</H1>\n \nYou don't have permission to access this resource on this server.<P>\nReference&#32;&#35;18&#46;sandbox\n</BODY>\n</HTML>\n";

function htmlPage(status: number, body: string): Reply {
  return { status, headers: { "content-type": "text/html" }, body };
}

/** Reshapes a real answer: cut in half (`truncated_json`) or made unparsable (`malformed_json`). */
export function mangle(reply: Reply, kind: FaultKind): Reply {
  const body = reply.body ?? "";
  if (kind === "truncated_json") {
    return { ...reply, body: body.slice(0, Math.max(1, Math.floor(body.length / 2))) };
  }
  if (kind === "malformed_json") {
    // Looks like the real page at a glance, but a value is not JSON.
    const broken = body.replace(":", ": NaN,");
    return { ...reply, body: broken === body ? `${body}{` : broken };
  }
  return reply;
}
