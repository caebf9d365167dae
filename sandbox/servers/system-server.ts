import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { logger } from "../../core/logger.js";
import type { Fault, FaultInjector } from "./fault-injector.js";
import { faultReply, mangle } from "./fault-replies.js";
import type { RequestLog, WriteJournal } from "./request-log.js";
import type { Reply, Route, RouteParams, SandboxRequest, SystemApi } from "./server-types.js";

/** What every system server shares: faults, logs, the clock and the admin API. */
export interface ServerContext {
  readonly faults: FaultInjector;
  readonly requests: RequestLog;
  readonly writes: WriteJournal;
  now(): number;
  admin(request: SandboxRequest): Promise<Reply>;
}

export interface RunningServer {
  readonly server: Server;
  readonly url: string;
}

/** Starts one loopback HTTP server for a system; port 0 picks a free one. */
export async function startSystemServer(
  api: SystemApi,
  context: ServerContext,
  host: string,
  port: number,
): Promise<RunningServer> {
  let inFlight = 0;
  const server = createServer((req, res) => {
    const path = pathOf(req);
    const limited = api.maxConcurrency !== undefined && !path.startsWith("/__sandbox/");
    if (limited && inFlight >= (api.maxConcurrency ?? 0)) {
      req.resume();
      context.requests.record(api.system, req.method ?? "GET", path, 429);
      send(res, api.errors.rateLimited());
      return;
    }
    if (limited) {
      inFlight += 1;
      res.once("close", () => {
        inFlight -= 1;
      });
    }
    serve(api, context, req, res).catch((error: unknown) => {
      logger.error({ err: error, system: api.system }, "sandbox request failed");
      if (!res.headersSent) send(res, api.errors.serverError(500));
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return { server, url: `http://${shownHost}:${address.port}` };
}

async function serve(
  api: SystemApi,
  context: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const request = await readRequest(req);
  if (request.path.startsWith("/__sandbox/")) {
    if (!isLoopback(req.socket.remoteAddress)) {
      send(res, { status: 403, body: "the sandbox admin API answers loopback clients only" });
      return;
    }
    send(res, await context.admin(request));
    return;
  }
  const found = findRoute(api.routes, request);
  const write = found?.route.write === true;
  const fault = context.faults.take({
    system: api.system,
    method: request.method,
    path: request.path,
    write,
  });
  if (fault?.kind === "slow") await sleep(fault.delay_ms ?? 1000);
  const replacesFirst = fault !== undefined && !fault.after_processing && replaces(fault);
  let reply: Reply | undefined;
  let applied = false;
  if (!replacesFirst) {
    reply = await answer(api, request, found);
    applied = write && reply.status < 300;
  }
  if (fault !== undefined && (replacesFirst || replaces(fault))) {
    reply = fault.kind === "timeout" ? undefined : faultReply(api, fault, request);
  } else if (fault !== undefined && reply !== undefined) {
    reply = mangle(reply, fault.kind);
  }
  const status = reply?.status ?? 0;
  context.requests.record(api.system, request.method, request.path, status);
  if (write) {
    context.writes.record({
      system: api.system,
      method: request.method,
      path: request.path,
      body: parseLoosely(request.body),
      status,
      applied,
      at: new Date(context.now()).toISOString(),
    });
  }
  if (reply === undefined) hang(res, fault);
  else send(res, api.decorate ? api.decorate(reply) : reply);
}

/** Faults that answer instead of the route; the others reshape or delay its answer. */
function replaces(fault: Fault): boolean {
  return (
    fault.kind !== "slow" && fault.kind !== "truncated_json" && fault.kind !== "malformed_json"
  );
}

async function answer(
  api: SystemApi,
  request: SandboxRequest,
  found: { route: Route; params: RouteParams } | undefined,
): Promise<Reply> {
  if (found === undefined) return api.errors.notFound(`no such resource: ${request.path}`);
  if (found.route.open !== true) {
    const refused = api.authenticate(request);
    if (refused) return refused;
  }
  return api.admit?.(request) ?? (await found.route.handle(request, found.params));
}

function findRoute(
  routes: readonly Route[],
  request: SandboxRequest,
): { route: Route; params: RouteParams } | undefined {
  for (const route of routes) {
    if (route.method !== request.method) continue;
    const match = route.pattern.exec(request.path);
    if (match) return { route, params: decodeParams(match.groups ?? {}) };
  }
  return undefined;
}

function decodeParams(groups: Record<string, string | undefined>): RouteParams {
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(groups)) {
    if (value !== undefined) params[name] = decodeURIComponent(value);
  }
  return params;
}

async function readRequest(req: IncomingMessage): Promise<SandboxRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const url = new URL(req.url ?? "/", "http://sandbox.invalid");
  return {
    method: (req.method ?? "GET").toUpperCase(),
    path: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    body: chunks.length === 0 ? "" : Buffer.concat(chunks).toString("utf8"),
    origin: `http://${req.headers.host ?? "127.0.0.1"}`,
  };
}

function pathOf(req: IncomingMessage): string {
  return new URL(req.url ?? "/", "http://sandbox.invalid").pathname;
}

function send(res: ServerResponse, reply: Reply): void {
  const body = reply.body ?? "";
  res.writeHead(reply.status, {
    ...reply.headers,
    "content-length": String(Buffer.byteLength(body)),
  });
  res.end(body);
}

/** A `timeout` fault: the request is accepted and never answered (closed after delay_ms). */
function hang(res: ServerResponse, fault: Fault | undefined): void {
  if (fault?.delay_ms === undefined) return;
  const timer = setTimeout(() => res.destroy(), fault.delay_ms);
  timer.unref();
  res.once("close", () => clearTimeout(timer));
}

function parseLoosely(body: string): unknown {
  if (body === "") return null;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}

function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}
