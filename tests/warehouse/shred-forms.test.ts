import { describe, expect, it } from "vitest";
import { z } from "zod";
import { BatchCollector } from "../../extractors/engine/batch-collector.js";
import { declaredKinds, defineStream, knownFields } from "../../extractors/engine/define-stream.js";
import { int, text, timestamp } from "../../extractors/engine/fields.js";
import { JSON_REFUSALS } from "../../extractors/engine/storable-json.js";
import { type BatchPage, groupForms } from "../../loaders/batch-writer.js";
import { landingLayout } from "../../loaders/landing-layout.js";
import { ALL_GROUP_FORMS, type GroupForms, shredSql } from "../../loaders/shred-sql.js";
import { PAGE_COLUMNS, pageRows, pagesTable, stagingTable } from "../../loaders/staging-table.js";
import { migrate } from "../../warehouse/migrate.js";
import type { Warehouse } from "../../warehouse/warehouse.js";
import { warehouseCases } from "../support/warehouses.js";

const stream = defineStream({
  name: "forms",
  primaryKey: "id",
  cursor: "updated_at",
  schema: z.looseObject({ id: text(), count: int().nullable(), updated_at: timestamp() }),
  request: {},
  docs: "test",
});
const AT = { map: "entries" } as const;

const record = (id: string, count: unknown) => ({ id, count, updated_at: "2026-05-07T22:07:19Z" });

/**
 * One page of each form a group can hold: received whole or staged as its records' array, of
 * their declared kinds or not (a count that is text).
 */
function pagesOfEveryForm(wh: Warehouse): BatchPage[] {
  const collector = new BatchCollector({
    known: knownFields(stream),
    kinds: declaredKinds(stream),
    at: AT,
    refuses: JSON_REFUSALS[wh.kind],
  });
  const received = (records: Record<string, unknown>[]) => {
    const body = JSON.stringify({ entries: Object.fromEntries(records.map((r) => [r.id, r])) });
    const parsed = JSON.parse(body).entries as Record<string, unknown>;
    const keys = records.map((r) => String(r.id));
    const texts = keys.map((key) => parsed[key]);
    collector.add({ records: texts, text: { body, records: texts, keys } });
  };
  received([record("1", 1), record("2", null)]);
  received([record("3", "three"), record("4", 4)]);
  collector.add({ records: [record("5", 5), record("6", 6)] });
  collector.add({ records: [record("7", 7), record("8", "eight")] });
  return [...collector.take().pages];
}

/** Stages `pages` as a group, shreds them with the statement for `forms`, reads staging back. */
async function shredGroup(wh: Warehouse, pages: readonly BatchPage[], forms?: GroupForms) {
  const layout = landingLayout("kantata", stream);
  const pagesTbl = pagesTable(wh, layout);
  const stage = stagingTable(wh, layout);
  const sql = shredSql(wh, layout, stream, pagesTbl.sql, stage.sql, { recordsAt: AT });
  return wh.session((session) =>
    session.scratchTransaction(async (tx) => {
      await pagesTbl.reset(tx);
      await tx.append(pagesTbl.target, PAGE_COLUMNS, pageRows(pages));
      await stage.reset(tx);
      await tx.execute(sql.shred(forms));
      return tx.query<{ _pslink_key: string; _pslink_problem: string | null }>(
        `select * from ${stage.sql} order by _pslink_ord`,
      );
    }),
  );
}

/** The keys of a page's records: the positions of a received page, the ids of an array's records. */
function keysOf(page: BatchPage): string[] {
  if (page.positions !== null) return JSON.parse(page.positions) as string[];
  return (JSON.parse(page.body) as { id: string }[]).map((r) => r.id);
}

/** Every non-empty selection of `items`, in their order. */
function selections<T>(items: readonly T[]): T[][] {
  const all: T[][] = [];
  for (let mask = 1; mask < 1 << items.length; mask++)
    all.push(items.filter((_, i) => mask & (1 << i)));
  return all;
}

describe.each(warehouseCases())(
  "shredding a group by the forms of its pages on $kind",
  (warehouse) => {
    it("tells each page's form", async () => {
      const pages = pagesOfEveryForm(await warehouse.open());
      expect(pages.map((page) => groupForms([page]))).toEqual([
        { arrays: false, received: true, checked: true, unchecked: false },
        { arrays: false, received: true, checked: false, unchecked: true },
        { arrays: true, received: false, checked: true, unchecked: false },
        { arrays: true, received: false, checked: false, unchecked: true },
      ]);
      expect(groupForms(pages)).toEqual(ALL_GROUP_FORMS);
    });

    it("lands every group's records as the statement reading every form does", async () => {
      const wh = await warehouse.open();
      await migrate(wh);
      const pages = pagesOfEveryForm(wh);
      for (const group of selections(pages)) {
        const own = await shredGroup(wh, group, groupForms(group));
        expect(own).toEqual(await shredGroup(wh, group));
        expect(own.map((row) => row._pslink_key)).toEqual(group.flatMap(keysOf));
      }
      const all = await shredGroup(wh, pages, groupForms(pages));
      expect(all.map((row) => [row._pslink_key, row._pslink_problem])).toEqual([
        ["1", null],
        ["2", null],
        ["3", "count"],
        ["4", null],
        ["5", null],
        ["6", null],
        ["7", null],
        ["8", "count"],
      ]);
    });

    it("leaves out of the statement what no page of the group needs", async () => {
      const wh = await warehouse.open();
      const layout = landingLayout("kantata", stream);
      const sql = shredSql(wh, layout, stream, "pages", "stage", { recordsAt: AT });
      const every = sql.shred();
      const receivedOfTheirKinds = sql.shred({
        arrays: false,
        received: true,
        checked: true,
        unchecked: false,
      });
      const arraysNotChecked = sql.shred({
        arrays: true,
        received: false,
        checked: false,
        unchecked: true,
      });
      // The array form's reader and the received form's map, per dialect.
      const arrays = wh.kind === "duckdb" ? "'$[*]'" : "jsonb_array_elements(p.body::jsonb)";
      const received = wh.kind === "duckdb" ? `'{"entries":"MAP(VARCHAR, JSON)"}'` : "'entries'";
      expect(every).toContain(arrays);
      expect(every).toContain(received);
      expect(receivedOfTheirKinds).not.toContain(arrays);
      expect(receivedOfTheirKinds).toContain(received);
      expect(arraysNotChecked).toContain(arrays);
      expect(arraysNotChecked).not.toContain(received);
      if (wh.kind === "duckdb") {
        // Only records not found of their kinds have their JSON types tested.
        expect(every).toContain("json_type(");
        expect(receivedOfTheirKinds).not.toContain("json_type(");
        expect(arraysNotChecked).toContain("json_type(");
        expect(arraysNotChecked).not.toContain("where checked");
      }
      // DuckDB's statement reads records checked and not in two branches, PostgreSQL's in one.
      const share = wh.kind === "duckdb" ? 0.5 : 1;
      expect(receivedOfTheirKinds.length).toBeLessThan(every.length * share);
      // One statement per set of forms, built once.
      expect(sql.shred({ ...ALL_GROUP_FORMS })).toBe(every);
    });
  },
);
