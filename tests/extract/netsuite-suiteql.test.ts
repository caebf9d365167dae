import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobStream } from "../../extractors/netsuite/streams/job-stream.js";
import { transactionStream } from "../../extractors/netsuite/streams/transaction-stream.js";
import { transactionlineStream } from "../../extractors/netsuite/streams/transactionline-stream.js";
import { syncSources } from "../../extractors/sync-sources.js";
import { warehouseCases } from "../support/warehouses.js";
import { freshTargets } from "./support/fresh-target.js";
import { type SandboxSync, startSandboxSync } from "./support/sandbox-sync.js";
import { differences, landedContent, tableCounts, worldContent } from "./support/world-compare.js";

const STREAMS = [
  "netsuite.job",
  "netsuite.timebill",
  "netsuite.transaction",
  "netsuite.transactionline",
];
const PAYMENT = "990001";
const PAYMENT_LINE = `${PAYMENT}_1`;

let fixture: SandboxSync;
let brokenBill: string;
beforeAll(async () => {
  fixture = await startSandboxSync(11);
  const { world } = fixture.sandbox;
  const at = Date.now() - 3_600_000;
  // A customer payment and its line: `transactionline` holds every transaction type's lines.
  const transactions = world.collection("netsuite", "transaction");
  const lines = world.collection("netsuite", "transactionline");
  const invoice = [...transactions.scanByKey()][0] as Record<string, unknown>;
  const line = [...lines.scanByKey()][0] as Record<string, unknown>;
  transactions.upsert({ ...invoice, id: PAYMENT, type: "CustPymt", tranid: "PYMT-1" }, at);
  lines.upsert({ ...line, uniquekey: PAYMENT_LINE, transaction: PAYMENT }, at);
  // A D/M/Y date where M/D/Y is read: month 13 must be refused, not rolled over into next year.
  const bills = world.collection("netsuite", "timebill");
  const bill = [...bills.scanByKey()][0] as Record<string, unknown>;
  brokenBill = String(bill.id);
  bills.upsert({ ...bill, trandate: "13/05/2026" }, at);
});
afterAll(() => fixture.close());
const freshTarget = freshTargets();

describe.each(warehouseCases())("netsuite SuiteQL extraction on $kind", (warehouse) => {
  it("lands full date-times and ISO dates, invoice lines only, and refuses impossible dates", async () => {
    const { world } = fixture.sandbox;
    const target = await freshTarget(warehouse);
    const config = fixture.configFor(target);
    const summary = await syncSources(config, { sources: ["netsuite"], streams: STREAMS });
    expect(summary.streams.map((s) => s.status)).toEqual(STREAMS.map(() => "succeeded"));

    const wh = await warehouse.open(target);
    // Bare SuiteQL date-times are dates only (M/D/YYYY here): landing the world's
    // `YYYY-MM-DD hh:mm:ss` proves the columns came through TO_CHAR.
    expect(
      differences(
        worldContent(world, "netsuite", jobStream),
        await landedContent(wh, "netsuite", jobStream),
      ),
    ).toEqual([]);
    const invoices = worldContent(world, "netsuite", transactionStream);
    invoices.delete(PAYMENT);
    expect(differences(invoices, await landedContent(wh, "netsuite", transactionStream))).toEqual(
      [],
    );
    const invoiceLines = worldContent(world, "netsuite", transactionlineStream);
    expect(invoiceLines.delete(PAYMENT_LINE)).toBe(true);
    const landedLines = await landedContent(wh, "netsuite", transactionlineStream);
    expect(differences(invoiceLines, landedLines)).toEqual([]);

    const [quarantined] = await wh.query<{ record_key: string; reason: string }>(
      "select record_key, reason from pslink.quarantine where source = 'netsuite' and stream = 'timebill'",
    );
    expect(quarantined?.record_key).toBe(brokenBill);
    expect(quarantined?.reason).toBe('trandate: expected a date, got "13/05/2026"');

    // The delete scan reads the same filtered query: the payment line is never landed, and no
    // invoice line is taken for deleted.
    const rescan = await syncSources(config, {
      sources: ["netsuite"],
      streams: ["netsuite.transactionline"],
      fullRefresh: true,
    });
    expect(rescan.streams[0]).toMatchObject({ status: "succeeded", deletedRows: 0 });
    expect(await tableCounts(wh, "netsuite", transactionlineStream)).toMatchObject({
      live: invoiceLines.size,
      deleted: 0,
    });
  });
});
