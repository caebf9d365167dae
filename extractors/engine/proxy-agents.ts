import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { isIP } from "node:net";
import { HttpProxyAgent, HttpsProxyAgent } from "hpagent";
import { getProxyForUrl } from "proxy-from-env";

/** got's `agent` option: one agent per target protocol. */
export interface Agents {
  readonly http: HttpAgent;
  readonly https: HttpsAgent;
}

/** Connections kept open between pages: a new socket per request costs a third of a page's time. */
const DIRECT: Agents = {
  http: new HttpAgent({ keepAlive: true }),
  https: new HttpsAgent({ keepAlive: true }),
};

/** Agents through each proxy in use, by the proxy's URL (credentials included: never logged). */
const proxied = new Map<string, Agents>();

/**
 * The agents for a request to `url`: through the proxy the environment names for it, as curl
 * reads it (`HTTPS_PROXY`/`https_proxy` for https URLs, `HTTP_PROXY` for http, `ALL_PROXY`,
 * except hosts `NO_PROXY` lists), else direct. Loopback hosts are never proxied (as Go's
 * ProxyFromEnvironment does): a proxy elsewhere cannot reach this machine's sandbox. Every agent
 * keeps its connections alive.
 */
export function agentsFor(url: string): Agents {
  const proxy = proxyFor(url);
  if (!proxy) return DIRECT;
  let agents = proxied.get(proxy);
  if (!agents) {
    agents = {
      http: new HttpProxyAgent({ keepAlive: true, proxy }),
      https: new HttpsProxyAgent({ keepAlive: true, proxy }),
    };
    proxied.set(proxy, agents);
  }
  return agents;
}

/** The proxy a request to `url` goes through (see `agentsFor`), if any. */
function proxyFor(url: string): string | undefined {
  if (isLoopback(url)) return undefined;
  return getProxyForUrl(url) || undefined;
}

/** The proxy a request to `url` goes through, as messages name it: its origin, never its credentials. */
export function proxyShownFor(url: string): string | undefined {
  const proxy = proxyFor(url);
  return proxy === undefined ? undefined : (URL.parse(proxy)?.origin ?? "(an invalid proxy URL)");
}

function isLoopback(url: string): boolean {
  const host = URL.parse(url)
    ?.hostname.replace(/^\[|\]$/g, "")
    .toLowerCase();
  if (host === undefined) return false;
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return host === "::1";
}
