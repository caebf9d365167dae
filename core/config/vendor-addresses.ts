import type { z } from "zod";

/**
 * The vendors' web addresses people copy from the browser's address bar into `base_url`: each
 * answers sign-in pages or redirects, never the API, so `config check` names the API's own
 * address instead. Undefined for any other address (a proxy's, the sandbox's).
 */
type WebAddressCheck = (url: URL) => string | undefined;

/** Lightning's web host, the login hosts; the API is on the org's My Domain. */
const salesforce: WebAddressCheck = (url) => {
  const lightning = /^(.+)\.lightning\.force\.com$/.exec(url.hostname)?.[1];
  if (lightning)
    return `${url.origin} is the org's Lightning web address, not its API: write its My Domain, https://${lightning}.my.salesforce.com`;
  if (url.hostname === "login.salesforce.com" || url.hostname === "test.salesforce.com")
    return `${url.hostname} is where people sign in, and it serves no client-credentials token: write the org's My Domain, https://<name>.my.salesforce.com (Setup > My Domain)`;
  return undefined;
};

/** The web application's and RESTlets' hosts; SuiteQL and the record service are on SuiteTalk's. */
const netsuite: WebAddressCheck = (url) => {
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
  return undefined;
};

/** The web application's hosts, and the API host without its `/api/v1`. */
const kantata: WebAddressCheck = (url) => {
  if (!url.hostname.endsWith(".mavenlink.com")) return undefined;
  if (url.hostname !== "api.mavenlink.com")
    return `${url.origin} is Kantata's web application, not its API: write https://api.mavenlink.com/api/v1`;
  if (url.pathname.replace(/\/+$/, "") !== "/api/v1")
    return "Kantata's API is under /api/v1: write https://api.mavenlink.com/api/v1";
  return undefined;
};

/** The web application's hosts (`wd5.myworkday.com`, `impl.workday.com`); services hosts differ. */
const workday: WebAddressCheck = (url) => {
  if (!/^(wd\d+|impl)\.(my)?workday\.com$/.test(url.hostname)) return undefined;
  return `${url.origin} is Workday's web application, not its web services: write the tenant's services address, such as https://wd2-impl-services1.workday.com (the Public Web Services report shows it in each service's endpoint)`;
};

export const WEB_ADDRESSES = { salesforce, netsuite, kantata, workday } as const;

/** A refinement of `base_url` that refuses the vendor's web addresses `check` knows. */
export function notWebAddress(check: WebAddressCheck) {
  return (value: string, ctx: z.RefinementCtx) => {
    const url = URL.parse(value);
    const problem = url ? check(url) : undefined;
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  };
}
