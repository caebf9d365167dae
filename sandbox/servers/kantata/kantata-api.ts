import { bearerToken } from "../reply.js";
import type { ApiDeps, Reply, Route, SandboxRequest, SystemApi } from "../server-types.js";
import { randomSecret } from "../token-store.js";
import { listCustomFieldValues } from "./custom-field-values.js";
import { kantataErrors } from "./kantata-errors.js";
import { KantataLists } from "./kantata-lists.js";
import { KantataWrites, WRAPPERS } from "./kantata-writes.js";

/** Kantata authenticates with one long-lived OAuth bearer token. */
export interface KantataCredentials {
  token: string;
}

const BASE = "/api/v1";

/**
 * The Kantata OX (Mavenlink) API v1 imitation: list endpoints and the writes pslink makes.
 * @see https://developer.kantata.com/
 */
export function createKantataApi(deps: ApiDeps): {
  api: SystemApi;
  credentials: KantataCredentials;
} {
  const credentials = { token: randomSecret(32) };
  const lists = new KantataLists(deps);
  const writes = new KantataWrites(deps, lists);
  const collectionOr404 =
    (handle: (request: SandboxRequest, name: string, id: string) => Reply) =>
    (request: SandboxRequest, p: Readonly<Record<string, string>>): Reply => {
      const name = p.list ?? "";
      if (!deps.world.collections("kantata").some((c) => c.name === name)) {
        return kantataErrors.notFound(`no such list: ${name}`);
      }
      return handle(request, name, p.id ?? "");
    };

  const routes: Route[] = [
    {
      method: "GET",
      pattern: new RegExp(`^${BASE}/custom_field_values\\.json$`),
      handle: (request) => listCustomFieldValues(request, deps, lists),
    },
    {
      method: "POST",
      write: true,
      pattern: new RegExp(`^${BASE}/custom_field_values\\.json$`),
      handle: (request) => writes.setCustomFieldValue(request),
    },
    {
      method: "POST",
      write: true,
      pattern: new RegExp(`^${BASE}/external_references\\.json$`),
      handle: (request) => writes.createExternalReference(request),
    },
    {
      method: "GET",
      pattern: new RegExp(`^${BASE}/(?<list>\\w+)\\.json$`),
      handle: collectionOr404((request, name) =>
        lists.list(request, deps.world.collection("kantata", name)),
      ),
    },
    {
      method: "GET",
      pattern: new RegExp(`^${BASE}/(?<list>\\w+)/(?<id>\\w+)\\.json$`),
      handle: collectionOr404((_request, name, id) => {
        const collection = deps.world.collection("kantata", name);
        const record = collection.get(id);
        if (!record) return kantataErrors.notFound(`${name} ${id} not found`);
        return lists.renderRecord(collection, record);
      }),
    },
    {
      method: "PUT",
      write: true,
      pattern: new RegExp(
        `^${BASE}/(?<list>${Object.keys(WRAPPERS).join("|")})/(?<id>\\w+)\\.json$`,
      ),
      handle: collectionOr404((request, name, id) =>
        writes.update(request, deps.world.collection("kantata", name), id),
      ),
    },
  ];

  const api: SystemApi = {
    system: "kantata",
    routes,
    errors: kantataErrors,
    authenticate: (request) =>
      bearerToken(request) === credentials.token ? undefined : kantataErrors.unauthorized(),
  };
  return { api, credentials };
}
