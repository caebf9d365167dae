import { describe, expect, it } from "vitest";
import { columnName, declaredFields } from "../../extractors/engine/define-stream.js";
import { boundLiteral } from "../../extractors/netsuite/suiteql-query.js";
import { syncSources } from "../../extractors/sync-sources.js";
import { landingLayout } from "../../loaders/landing-layout.js";
import { inAccountZone, UTC_ZONE } from "../../sandbox/servers/netsuite/account-zone.js";
import { jsonSql } from "../../warehouse/json-sql.js";
import { warehouseCases } from "../support/warehouses.js";
import { freshTargets } from "./support/fresh-target.js";
import { sandboxCollection } from "./support/sandbox-collections.js";
import { startSandboxSync } from "./support/sandbox-sync.js";
import { allStreams, differences, landedContent, worldContent } from "./support/world-compare.js";

const ZONE = "America/Los_Angeles";
const MINUTE = 60_000;
const at = (iso: string) => Date.parse(iso);

/**
 * The two nights of 2026 Los Angeles changes its offset, each watched from an hour before to an
 * hour after, with a change every five minutes and syncs now and then: 02:00 PST becomes 03:00
 * PDT at 10:00Z; 02:00 PDT becomes 01:00 PST at 09:00Z, so local times 01:00–01:59 name the
 * instants 08:00–08:59Z and again 09:00–09:59Z. The autumn syncs put window edges in that hour:
 * after the one at 08:40Z (01:40 PDT) the next window starts at 01:30 of the first pass, and the
 * one at 09:50Z (01:50 PST) ends at 01:50 of the second.
 */
const NIGHTS = [
  {
    from: at("2026-03-08T08:00:00Z"),
    to: at("2026-03-08T12:00:00Z"),
    syncs: ["09:20", "09:55", "10:10", "11:05"].map((time) => at(`2026-03-08T${time}:00Z`)),
  },
  {
    from: at("2026-11-01T07:00:00Z"),
    to: at("2026-11-01T11:00:00Z"),
    syncs: ["07:45", "08:40", "09:50", "10:30"].map((time) => at(`2026-11-01T${time}:00Z`)),
  },
];
const REPEATED = { from: at("2026-11-01T08:00:00Z"), to: at("2026-11-01T10:00:00Z") };
const HOUR = 3_600_000;
/**
 * A time stamped in the repeated hour's first pass is shown as the same local text as one an hour
 * later, and NetSuite's text carries no offset: it lands as the later instant, as PostgreSQL and
 * DuckDB read such a time.
 */
const FIRST_PASS_END = REPEATED.from + HOUR;

const netsuiteStreams = () => allStreams().filter(({ system }) => system === "netsuite");
const freshTarget = freshTargets();

describe("a NetSuite window's bounds in an account zone", () => {
  it.each([
    // Plain times, and a UTC account, are written as they are.
    ["2026-11-01T07:30:00Z", ZONE, "from", "2026-11-01 00:30:00"],
    ["2026-11-01T10:30:00Z", ZONE, "to", "2026-11-01 02:30:00"],
    ["2026-11-01T08:30:00Z", "UTC", "from", "2026-11-01 08:30:00"],
    // 01:30 of the first pass (PDT): read as 01:30 PST it would start an hour late.
    ["2026-11-01T08:30:00Z", ZONE, "from", "2026-11-01 00:30:00"],
    ["2026-11-01T08:30:00Z", ZONE, "to", "2026-11-01 01:30:00"],
    // 01:30 of the second pass (PST): read as 01:30 PDT it would end an hour early.
    ["2026-11-01T09:30:00Z", ZONE, "from", "2026-11-01 01:30:00"],
    ["2026-11-01T09:30:00Z", ZONE, "to", "2026-11-01 02:30:00"],
    // The spring night skips 02:00–02:59; no time names two instants.
    ["2026-03-08T10:00:00Z", ZONE, "from", "2026-03-08 03:00:00"],
    // Lord Howe falls back half an hour.
    ["2026-04-04T14:45:00Z", "Australia/Lord_Howe", "from", "2026-04-05 01:15:00"],
  ] as const)("%s in %s as a %s bound: %s", (instant, zone, side, literal) => {
    expect(boundLiteral(Date.parse(instant), zone, side)).toBe(literal);
  });
});

describe.each(warehouseCases())("NetSuite in an account zone on $kind", (warehouse) => {
  it.each(["later", "earlier"] as const)(
    "reads every change through both daylight-saving nights (a repeated hour's literal read as the %s instant)",
    async (repeated) => {
      let clock = at("2026-03-07T12:00:00Z");
      const now = () => clock;
      const fixture = await startSandboxSync(11, {
        now,
        netsuiteZone: { name: ZONE, repeated },
        // Pages of five: page and window edges fall inside the nights' odd hours.
        sources: { netsuite: { page_size: 5 } },
      });
      try {
        const { world } = fixture.sandbox;
        const target = await freshTarget(warehouse);
        const config = fixture.configFor(target);
        expect(config.sources.netsuite?.account_timezone).toBe(ZONE);
        const sync = async () => {
          const summary = await syncSources(config, { sources: ["netsuite"], now });
          expect(summary.status, JSON.stringify(summary.streams)).toBe("succeeded");
        };
        await sync();
        for (const night of NIGHTS) {
          for (clock = night.from; clock < night.to; clock += 5 * MINUTE) {
            world.advance({ inserts: 2, updates: 2 });
            if (!night.syncs.includes(clock)) continue;
            // Once the changes are past the safety lag.
            clock += 3_000;
            await sync();
            clock -= 3_000;
          }
          clock = night.to + MINUTE;
          await sync();
        }

        // The fall-back night's repeated hour holds more time bills than a page.
        const bills = [...sandboxCollection(world, "netsuite", "timebill").scan()];
        const inRepeated = bills.filter((bill) => {
          const ms = Date.parse(`${String(bill.lastmodifieddate).replace(" ", "T")}Z`);
          return ms >= REPEATED.from && ms < REPEATED.to;
        });
        expect(inRepeated.length).toBeGreaterThan(10);

        const wh = await warehouse.open(target);
        const zone = { ...UTC_ZONE, name: ZONE };
        for (const { system, stream } of netsuiteStreams()) {
          // Records as NetSuite showed them: date-times in the account's zone.
          const shown = worldContent(world, system, stream, (value) => inAccountZone(value, zone));
          const landed = await landedContent(wh, system, stream);
          expect(differences(shown, landed), stream.name).toEqual([]);
          // The typed cursor holds the instant the world stamped (the later one where the local
          // time shown names two).
          if (stream.cursor === null || !declaredFields(stream).includes(stream.cursor)) continue;
          const layout = landingLayout(system, stream);
          const key = wh.quote(layout.keys[0]?.name ?? "id");
          const rows = await wh.query<{ key: unknown; ms: unknown }>(
            `select cast(${key} as ${wh.sqlType("text")}) as key,
               ${jsonSql(wh).epochMs(wh.quote(columnName(stream.cursor)))} as ms
             from ${wh.qualified(layout.src)} where _pslink_deleted_at is null`,
          );
          const stamped = new Map(
            [...sandboxCollection(world, system, stream.name).scan()].map((record) => [
              String(record[stream.primaryKey[0] as string]),
              Date.parse(`${String(record[stream.cursor as string]).replace(" ", "T")}Z`),
            ]),
          );
          const wrong = rows.filter((row) => {
            const ms = stamped.get(String(row.key)) ?? Number.NaN;
            return Number(row.ms) !== (ms >= REPEATED.from && ms < FIRST_PASS_END ? ms + HOUR : ms);
          });
          expect(wrong, stream.name).toEqual([]);
        }
      } finally {
        await fixture.close();
      }
    },
  );
});
