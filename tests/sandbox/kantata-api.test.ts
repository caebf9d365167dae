import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SandboxHandle } from "../../sandbox/sandbox.js";
import type { SandboxRecord } from "../../sandbox/world/types.js";
import {
  fetchJson,
  middleModified,
  startTestSandbox,
  type TestClock,
} from "./sandbox-api-helpers.js";

interface Envelope {
  count: number;
  meta: { count: number; page_count: number; page_number: number; page_size: number };
  results: Array<{ key: string; id: string }>;
  [key: string]: unknown;
}

const LISTS = [
  "workspace_groups",
  "workspaces",
  "users",
  "stories",
  "assignments",
  "time_entries",
  "expenses",
  "invoices",
  "external_references",
];

let sandbox: SandboxHandle;
let clock: TestClock;
const base = () => `${sandbox.urls.kantata}/api/v1`;
const auth = () => ({
  authorization: `Bearer ${sandbox.credentials.kantata.token}`,
  "content-type": "application/json",
});

async function listAll(list: string, params: Record<string, string> = {}) {
  const ids: string[] = [];
  let meta: Envelope["meta"] | undefined;
  for (let page = 1; ; page += 1) {
    const query = new URLSearchParams({ per_page: "200", ...params, page: String(page) });
    const response = await fetchJson<Envelope>(`${base()}/${list}.json?${query}`, {
      headers: auth(),
    });
    expect(response.status).toBe(200);
    meta = response.body.meta;
    const map = response.body[list] as Record<string, SandboxRecord>;
    for (const result of response.body.results) {
      expect(result.key).toBe(list);
      expect(map[result.id]).toBeDefined();
      ids.push(result.id);
    }
    if (page >= response.body.meta.page_count) break;
  }
  return { ids, meta };
}

/** The parameter each list that hides archived workspaces' records takes to show them. */
const SHOWN_BY: Record<string, string> = {
  workspaces: "include_archived",
  stories: "show_from_archived_workspaces",
  time_entries: "from_archived_workspaces",
  expenses: "from_archived_workspaces",
};

function archivedWorkspaces(): Set<string> {
  const workspaces = sandbox.world.collection("kantata", "workspaces");
  return new Set(
    [...workspaces.scanByKey()].filter((w) => w.archived === true).map((w) => String(w.id)),
  );
}

beforeAll(async () => {
  ({ sandbox, clock } = await startTestSandbox());
});
afterAll(() => sandbox.close());

describe("kantata sandbox: auth", () => {
  it("answers 401 with an oauth error without the bearer token", async () => {
    const response = await fetchJson(`${base()}/users.json`, {
      headers: { authorization: "Bearer wrong" },
    });
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ errors: [{ type: "oauth", message: expect.any(String) }] });
  });
});

describe("kantata sandbox: lists", () => {
  it.each(LISTS)("pages %s by id to the last page: every record once", async (list) => {
    const collection = sandbox.world.collection("kantata", list);
    const hidden = list in SHOWN_BY ? archivedWorkspaces() : new Set<string>();
    const workspaceOf = (r: SandboxRecord) => String(list === "workspaces" ? r.id : r.workspace_id);
    const expected = [...collection.scanByKey()]
      .filter((r) => !hidden.has(workspaceOf(r)))
      .map((r) => String(r.id));
    const { ids, meta } = await listAll(list, { order: "id:asc" });
    expect(ids).toEqual(expected);
    expect(meta?.count).toBe(expected.length);
  });

  it.each(Object.entries(SHOWN_BY))(
    "hides archived workspaces' %s unless %s=true",
    async (list, param) => {
      const archived = archivedWorkspaces();
      expect(archived.size).toBeGreaterThan(0);
      const all = await listAll(list, { [param]: "true" });
      expect(all.ids.length).toBe(sandbox.world.collection("kantata", list).size);
      const visible = await listAll(list);
      expect(visible.ids.length).toBeLessThan(all.ids.length);
    },
  );

  it("filters on updated_after in updated_at:asc order", async () => {
    const from = middleModified(sandbox, "kantata", "time_entries");
    const after = new Date(from).toISOString().replace(".000Z", "Z");
    const { ids } = await listAll("time_entries", {
      updated_after: after,
      order: "updated_at:asc",
      from_archived_workspaces: "true",
    });
    const collection = sandbox.world.collection("kantata", "time_entries");
    const expected = [...collection.scan({ fromMs: from + 1000 })].map((r) => String(r.id));
    expect(ids).toEqual(expected);
    expect(ids.length).toBeGreaterThan(0);
  });

  it("includes associations in the top-level maps while results list only the asked records", async () => {
    const response = await fetchJson<Envelope>(
      `${base()}/time_entries.json?per_page=5&include=user,workspace`,
      { headers: auth() },
    );
    const body = response.body;
    expect(body.results).toHaveLength(5);
    const entries = body.time_entries as Record<string, SandboxRecord>;
    const users = body.users as Record<string, SandboxRecord>;
    const workspaces = body.workspaces as Record<string, SandboxRecord>;
    for (const { id } of body.results) {
      const entry = entries[id] as SandboxRecord;
      expect(users[String(entry.user_id)]).toBeDefined();
      expect(workspaces[String(entry.workspace_id)]).toBeDefined();
    }
    expect(body.results.every((r) => r.key === "time_entries")).toBe(true);
  });

  it("restricts to ids with only=, and caps per_page at 200", async () => {
    const some = [...sandbox.world.collection("kantata", "users").scanByKey()]
      .slice(0, 3)
      .map((u) => String(u.id));
    const only = await fetchJson<Envelope>(`${base()}/users.json?only=${some.join(",")}`, {
      headers: auth(),
    });
    expect(only.body.results.map((r) => r.id)).toEqual(some);
    const big = await fetchJson<Envelope>(`${base()}/time_entries.json?per_page=500`, {
      headers: auth(),
    });
    expect(big.body.meta.page_size).toBe(200);
    expect(big.body.results).toHaveLength(200);
  });
});

describe("kantata sandbox: writes", () => {
  it("updates a user (wrapped body) and the next read shows it with a newer updated_at", async () => {
    const user = [...sandbox.world.collection("kantata", "users").scanByKey()][0] as SandboxRecord;
    clock.advance(3_000);
    const response = await fetchJson<Envelope>(`${base()}/users/${user.id}.json`, {
      method: "PUT",
      headers: auth(),
      body: JSON.stringify({ user: { cost_rate_in_cents: 12_345 } }),
    });
    expect(response.status).toBe(200);
    const read = await fetchJson<Envelope>(`${base()}/users.json?only=${user.id}`, {
      headers: auth(),
    });
    const shown = (read.body.users as Record<string, SandboxRecord>)[String(user.id)];
    expect(shown).toMatchObject({ cost_rate_in_cents: 12_345 });
    expect(String(shown?.updated_at) > String(user.updated_at)).toBe(true);
  });

  it("refuses invalid writes with a validation error naming the field", async () => {
    const entry = [
      ...sandbox.world.collection("kantata", "time_entries").scanByKey(),
    ][0] as SandboxRecord;
    const response = await fetchJson(`${base()}/time_entries/${entry.id}.json`, {
      method: "PUT",
      headers: auth(),
      body: JSON.stringify({ time_entry: { time_in_minutes: -5 } }),
    });
    expect(response.status).toBe(422);
    expect(response.body).toEqual({
      errors: [{ type: "validation", message: expect.any(String), field: "time_in_minutes" }],
    });
  });

  it("creates external references and custom field values", async () => {
    const workspace = [
      ...sandbox.world.collection("kantata", "workspaces").scanByKey(),
    ][0] as SandboxRecord;
    const reference = {
      subject_type: "Workspace",
      subject_id: String(workspace.id),
      service_name: "NetSuite",
      service_model: "job-sandbox-test",
      service_model_ref: "5999",
    };
    const created = await fetchJson<Envelope>(`${base()}/external_references.json`, {
      method: "POST",
      headers: auth(),
      body: JSON.stringify({ external_reference: reference }),
    });
    expect(created.status).toBe(200);
    const id = created.body.results[0]?.id ?? "";
    const listed = await fetchJson<Envelope>(`${base()}/external_references.json?only=${id}`, {
      headers: auth(),
    });
    expect((listed.body.external_references as Record<string, SandboxRecord>)[id]).toMatchObject(
      reference,
    );
    const group = [
      ...sandbox.world.collection("kantata", "workspace_groups").scanByKey(),
    ][0] as SandboxRecord;
    const value = {
      subject_type: "WorkspaceGroup",
      subject_id: String(group.id),
      custom_field_id: "1",
      value: "Client Holdings",
    };
    const set = await fetchJson<Envelope>(`${base()}/custom_field_values.json`, {
      method: "POST",
      headers: auth(),
      body: JSON.stringify({ custom_field_value: value }),
    });
    expect(set.status).toBe(200);
    const read = await fetchJson<Envelope>(
      `${base()}/custom_field_values.json?subject_type=WorkspaceGroup&subject_id=${group.id}`,
      {
        headers: auth(),
      },
    );
    expect(Object.values(read.body.custom_field_values as object)).toEqual([
      expect.objectContaining(value),
    ]);
    const one = await fetchJson<Envelope>(
      `${base()}/custom_field_values/${set.body.results[0]?.id}.json`,
      { headers: auth() },
    );
    expect(one.body.custom_field_values).toEqual(read.body.custom_field_values);
    expect(
      sandbox.writes.entries({ system: "kantata" }).filter((w) => w.applied).length,
    ).toBeGreaterThanOrEqual(3);
  });

  it.each([
    [
      "external_references",
      "external_reference",
      { service_name: "NetSuite", service_model: "customer", service_model_ref: "1" },
    ],
    ["custom_field_values", "custom_field_value", { custom_field_id: "1", value: "x" }],
  ])("refuses a %s write whose subject does not exist", async (path, wrapper, rest) => {
    for (const subject of [
      { subject_type: "Workspace", subject_id: "999999999" },
      { subject_type: "Spaceship", subject_id: "1" },
    ]) {
      const response = await fetchJson(`${base()}/${path}.json`, {
        method: "POST",
        headers: auth(),
        body: JSON.stringify({ [wrapper]: { ...subject, ...rest } }),
      });
      expect(response.status).toBe(422);
      expect(response.body).toEqual({
        errors: [{ type: "validation", message: "subject does not exist", field: "subject_id" }],
      });
    }
  });

  it("refuses a custom field value for a field the tenant lacks or declares for another subject", async () => {
    const workspace = [
      ...sandbox.world.collection("kantata", "workspaces").scanByKey(),
    ][0] as SandboxRecord;
    const group = [
      ...sandbox.world.collection("kantata", "workspace_groups").scanByKey(),
    ][0] as SandboxRecord;
    const cases = [
      [
        { subject_type: "WorkspaceGroup", subject_id: String(group.id), custom_field_id: "77" },
        "custom field 77 does not exist",
      ],
      [
        { subject_type: "Workspace", subject_id: String(workspace.id), custom_field_id: "1" },
        "custom field 1 belongs to WorkspaceGroup, not Workspace",
      ],
    ] as const;
    const before = sandbox.world.collection("kantata", "custom_field_values").size;
    for (const [subject, message] of cases) {
      const response = await fetchJson(`${base()}/custom_field_values.json`, {
        method: "POST",
        headers: auth(),
        body: JSON.stringify({ custom_field_value: { ...subject, value: "x" } }),
      });
      expect(response.status).toBe(422);
      expect(response.body).toEqual({
        errors: [{ type: "validation", message, field: "custom_field_id" }],
      });
    }
    expect(sandbox.world.collection("kantata", "custom_field_values").size).toBe(before);
  });

  it("serves the tenant's custom fields with their sets: R08's ERP customer name on client groups", async () => {
    const fields = await fetchJson<Envelope>(
      `${base()}/custom_fields.json?include=custom_field_set`,
      {
        headers: auth(),
      },
    );
    expect(fields.status).toBe(200);
    expect(fields.body.results).toEqual([{ key: "custom_fields", id: "1" }]);
    expect(fields.body.custom_fields).toEqual({
      "1": {
        id: "1",
        name: "ERP customer name",
        value_type: "string",
        custom_field_set_id: "1",
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        updated_at: expect.stringMatching(/Z$/),
      },
    });
    expect(fields.body.custom_field_sets).toEqual({
      "1": expect.objectContaining({ id: "1", name: "Client", subject_type: "WorkspaceGroup" }),
    });
  });
});
