import { importPKCS8, SignJWT } from "jose";
import { type SandboxHandle, type SandboxOptions, startSandbox } from "../../sandbox/sandbox.js";
import type { SandboxRecord, SystemName } from "../../sandbox/world/types.js";

/** A controllable sandbox clock, starting at the real time (whole seconds). */
export class TestClock {
  ms = Math.floor(Date.now() / 1000) * 1000;
  readonly now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** Starts a small sandbox on free loopback ports with a controllable clock. */
export async function startTestSandbox(
  options: Partial<SandboxOptions> = {},
): Promise<{ sandbox: SandboxHandle; clock: TestClock }> {
  const clock = new TestClock();
  const sandbox = await startSandbox({ size: "small", seed: 7, now: clock.now, ...options });
  return { sandbox, clock };
}

export interface JsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** fetch + JSON parse (body undefined when empty). */
export async function fetchJson<T = unknown>(
  url: string,
  init: RequestInit = {},
): Promise<JsonResponse<T>> {
  const response = await fetch(url, init);
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text === "" ? undefined : JSON.parse(text)) as T,
  };
}

/** A Salesforce access token through the client credentials flow. */
export async function salesforceToken(sandbox: SandboxHandle): Promise<string> {
  const { clientId, clientSecret } = sandbox.credentials.salesforce;
  const response = await fetchJson<{ access_token: string }>(
    `${sandbox.urls.salesforce}/services/oauth2/token`,
    {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: clientId,
        client_secret: clientSecret,
      }),
    },
  );
  if (response.status !== 200) throw new Error(`salesforce token: ${response.status}`);
  return response.body.access_token;
}

/** Signs NetSuite's client assertion (PS256, kid = certificate id) as pslink must. */
export async function netsuiteAssertion(
  sandbox: SandboxHandle,
  overrides: { kid?: string; pem?: string; aud?: string } = {},
): Promise<string> {
  const { clientId, certificateId, privateKeyPem, scope } = sandbox.credentials.netsuite;
  const key = await importPKCS8(overrides.pem ?? privateKeyPem, "PS256");
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ scope })
    .setProtectedHeader({ alg: "PS256", typ: "JWT", kid: overrides.kid ?? certificateId })
    .setIssuer(clientId)
    .setAudience(overrides.aud ?? `${sandbox.urls.netsuite}/services/rest/auth/oauth2/v1/token`)
    .setIssuedAt(now)
    .setExpirationTime(now + 3000)
    .sign(key);
}

/** A NetSuite access token through client credentials with a JWT assertion. */
export async function netsuiteToken(
  sandbox: SandboxHandle,
  assertion?: string,
): Promise<JsonResponse> {
  return fetchJson(`${sandbox.urls.netsuite}/services/rest/auth/oauth2/v1/token`, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      client_assertion: assertion ?? (await netsuiteAssertion(sandbox)),
    }),
  });
}

/** Authorization header of the integration system user (Workday Basic auth). */
export function workdayBasic(sandbox: SandboxHandle): string {
  const { username, password } = sandbox.credentials.workday;
  return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
}

/** Ids of a collection's live records in (modified, id) order, optionally from a time. */
export function idsByModified(
  sandbox: SandboxHandle,
  system: SystemName,
  name: string,
  fromMs?: number,
): string[] {
  const collection = sandbox.world.collection(system, name);
  return [...collection.scan(fromMs === undefined ? {} : { fromMs })].map((r: SandboxRecord) =>
    String(r[collection.primaryKey]),
  );
}

/** A modified time splitting a collection roughly in half (whole seconds). */
export function middleModified(sandbox: SandboxHandle, system: SystemName, name: string): number {
  const collection = sandbox.world.collection(system, name);
  const all = [...collection.scan()];
  const middle = all[Math.floor(all.length / 2)] as SandboxRecord;
  return (
    Math.floor(Date.parse(normaliseStamp(String(middle[collection.modifiedField]))) / 1000) * 1000
  );
}

function normaliseStamp(stamp: string): string {
  return stamp.includes("T") ? stamp.replace(/\+0000$/, "Z") : `${stamp.replace(" ", "T")}Z`;
}
