import type { z } from "zod";

/**
 * What people paste into `base_url` that is not the API's base: the vendor's web address copied
 * from the browser's address bar (it answers sign-in pages or redirects, never the API), or a
 * whole API call's URL, whose path pslink adds itself. `config check` names the address to write
 * instead. Undefined for any other address (an API's own, a gateway's, the sandbox's).
 */
type AddressCheck = (url: URL) => string | undefined;

/** Lightning's web host, the login hosts; the API is on the org's My Domain. */
const salesforce: AddressCheck = (url) => {
  const lightning = /^(.+)\.lightning\.force\.com$/.exec(url.hostname)?.[1];
  if (lightning)
    return `${url.origin} is the org's Lightning web address, not its API: write its My Domain, https://${lightning}.my.salesforce.com`;
  if (url.hostname === "login.salesforce.com" || url.hostname === "test.salesforce.com")
    return `${url.hostname} is where people sign in, and it serves no client-credentials token: write the org's My Domain, https://<name>.my.salesforce.com (Setup > My Domain)`;
  return pastedApiPath(url, /\/services\/(data|oauth2)(\/|$)/);
};

/** The web application's, RESTlets' and sign-in hosts; SuiteQL and records are on SuiteTalk's. */
const netsuite: AddressCheck = (url) => {
  const [, account, service] =
    /^([a-z0-9_-]+)\.(app|restlets\.api)\.netsuite\.com$/.exec(url.hostname) ?? [];
  if (account)
    return `${url.origin} is NetSuite's ${service === "app" ? "web application" : "RESTlet address"}, not its REST web services: write https://${account.replaceAll("_", "-")}.suitetalk.api.netsuite.com`;
  const underscored = /^([a-z0-9]+_[a-z0-9_]+)\.suitetalk\.api\.netsuite\.com$/.exec(
    url.hostname,
  )?.[1];
  if (underscored)
    return `NetSuite's hosts write the account id with "-" for "_": write https://${underscored.replaceAll("_", "-")}.suitetalk.api.netsuite.com`;
  if (url.hostname === "system.netsuite.com")
    return `${url.hostname} is NetSuite's sign-in address: write the account's REST web services address, https://<account id>.suitetalk.api.netsuite.com (Setup > Company > Company Information lists it)`;
  return pastedApiPath(url, /\/services\/rest(\/|$)/);
};

/** The web application's hosts, the API host without its `/api/v1`, a call's path after it. */
const kantata: AddressCheck = (url) => {
  if (url.hostname.endsWith(".mavenlink.com") && url.hostname !== "api.mavenlink.com")
    return `${url.origin} is Kantata's web application, not its API: write https://api.mavenlink.com/api/v1`;
  const path = url.pathname.replace(/\/+$/, "");
  if (url.hostname === "api.mavenlink.com" && !path.startsWith("/api/v1"))
    return "Kantata's API is under /api/v1: write https://api.mavenlink.com/api/v1";
  return pastedApiPath(url, /(?<=\/api\/v1)\/[^/]/);
};

/** The web application's hosts (`wd5.myworkday.com`, `impl.workday.com`); services hosts differ. */
const workday: AddressCheck = (url) => {
  if (/^(wd\d+|impl)\.(my)?workday\.com$/.test(url.hostname))
    return `${url.origin} is Workday's web application, not its web services: write the tenant's services address, such as https://wd2-impl-services1.workday.com (the Public Web Services report shows it in each service's endpoint)`;
  return pastedApiPath(url, /\/ccx(\/|$)/);
};

/**
 * A base URL holding the path pslink puts after it (`/services/data/v60.0/query`, a report's
 * `/ccx/service/…`): a call's URL pasted whole. Its part before that path is the base.
 */
function pastedApiPath(url: URL, apiPath: RegExp): string | undefined {
  const at = url.pathname.search(apiPath);
  if (at < 0) return undefined;
  const base = `${url.origin}${url.pathname.slice(0, at)}`;
  return `${url.origin}${url.pathname} holds the API's own path (${url.pathname.slice(at)}), which pslink adds to every request: write ${base}`;
}

const CHECKS = { salesforce, netsuite, kantata, workday } as const;

/** A refinement of `system`'s `base_url` refusing the addresses known not to be an API's base. */
export function apiBaseAddress(system: keyof typeof CHECKS) {
  return (value: string, ctx: z.RefinementCtx) => {
    const url = URL.parse(value);
    const problem = url ? CHECKS[system](url) : undefined;
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  };
}
