import type { InvoiceLink } from "./billing-generator.js";
import type { GenContext } from "./firm-model.js";
import { round2 } from "./rounding.js";
import { entryAmount, pickEntries } from "./time-plants.js";

const R02_VARIANTS = ["hours", "billable", "project", "worker"] as const;

/** Plants the cases that alter NetSuite after posting and billing: R02, R03, R04, R12. */
export function plantPostingCases(ctx: GenContext, used: Set<number>, links: InvoiceLink[]): void {
  plantR02(ctx, used);
  plantR03(ctx, used);
  plantR04(ctx, used);
  plantR12(ctx, links);
}

const posted = (ctx: GenContext) => (i: number) => ctx.postings.has(i);

function plantR02(ctx: GenContext, used: Set<number>): void {
  const { store } = ctx.state;
  const count = Math.max(ctx.preset.cases, R02_VARIANTS.length);
  for (let k = 0; k < count; k += 1) {
    const variant = R02_VARIANTS[k % R02_VARIANTS.length]!;
    const [i] = pickEntries(
      ctx,
      1,
      used,
      (j) => posted(ctx)(j) && (variant !== "billable" || ctx.entries.records[j]!.billable),
    );
    if (i === undefined) continue;
    const record = ctx.entries.records[i]!;
    const bill = store.timebills.get(ctx.postings.get(i)!)!;
    let hours = 0;
    let amount = 0;
    if (variant === "hours") {
      const delta = ctx.rng.pick([0.5, 1, -0.25]);
      bill.hours += delta;
      hours = -delta;
      amount = record.billable ? -delta * bill.rate : 0;
    } else if (variant === "billable") {
      bill.isbillable = "F";
      amount = entryAmount(ctx, i);
    } else if (variant === "project") {
      bill.customer = ctx.rng.pick(
        ctx.projects.filter((p) => p.jobId !== null && p.jobId !== bill.customer),
      ).jobId!;
    } else {
      const other = ctx.workers.find((w) => w.nsEmployeeId !== bill.employee)!;
      bill.employee = other.nsEmployeeId;
    }
    ctx.plant({
      rule_id: "R02",
      canonical_key: `time_entry:kantata:${record.id}`,
      systems: { kantata: { time_entry: record.id }, netsuite: { timebill: bill.id } },
      hours_impact: round2(hours),
      amount_impact: round2(amount),
      currency: record.currency,
      description: `NetSuite time bill differs from the approved entry: ${variant}`,
    });
  }
}

function plantR03(ctx: GenContext, used: Set<number>): void {
  const picked = pickEntries(
    ctx,
    ctx.preset.cases,
    used,
    (j) => posted(ctx)(j) && !ctx.entries.records[j]!.billable,
  );
  picked.forEach((i, k) => {
    const record = ctx.entries.records[i]!;
    const bill = ctx.state.store.timebills.get(ctx.postings.get(i)!)!;
    const deleted = k % 2 === 1;
    if (deleted) ctx.deletedEntries.add(i);
    else record.approved = false;
    ctx.plant({
      rule_id: "R03",
      canonical_key: `timebill:netsuite:${bill.id}`,
      systems: { netsuite: { timebill: bill.id }, kantata: { time_entry: record.id } },
      hours_impact: round2(-bill.hours),
      amount_impact: 0,
      currency: record.currency,
      description: deleted
        ? "Posted entry was deleted in Kantata"
        : "Posted entry is no longer approved",
    });
  });
}

function plantR04(ctx: GenContext, used: Set<number>): void {
  const picked = pickEntries(ctx, ctx.preset.cases, used, posted(ctx));
  picked.forEach((i, k) => {
    const record = ctx.entries.records[i]!;
    const primary = ctx.state.store.timebills.get(ctx.postings.get(i)!)!;
    const extras = k % 3 === 2 ? 2 : 1;
    const ids = [primary.id];
    for (let e = 0; e < extras; e += 1) {
      const id = ctx.state.ids.take("netsuite.timebill");
      ids.push(id);
      const ms = (ctx.state.store.timebills.modifiedMs(primary.id) ?? 0) + (e + 1) * 3_600_000;
      ctx.state.store.timebills.upsert({ ...primary, id, externalid: null }, ms);
    }
    ctx.plant({
      rule_id: "R04",
      canonical_key: `time_entry:kantata:${record.id}`,
      systems: { kantata: { time_entry: record.id }, netsuite: { timebill: ids } },
      hours_impact: round2((-extras * record.time_in_minutes) / 60),
      amount_impact: round2(-extras * entryAmount(ctx, i)),
      currency: record.currency,
      description: `Entry posted ${extras + 1} times to NetSuite`,
    });
  });
}

function plantR12(ctx: GenContext, links: InvoiceLink[]): void {
  const { store } = ctx.state;
  const candidates = links.filter(
    (l) => ctx.projects[l.project]!.type === "TM" && !ctx.projects[l.project]!.planted,
  );
  ctx.rng.sample(candidates, ctx.preset.cases).forEach((link, k) => {
    const project = ctx.projects[link.project]!;
    project.planted = true;
    const lines = [...store.transactionLines.scanByKey()].filter(
      (l) => l.transaction === link.transactionId,
    );
    let impact: number;
    if (k % 3 === 2) {
      store.transactions.discard(link.transactionId);
      for (const line of lines) store.transactionLines.discard(line.uniquekey);
      impact = link.expectedCents / 100;
    } else {
      const delta = ctx.rng.int(2, 40) * 25;
      store.transactions.get(link.transactionId)!.foreigntotal -= delta;
      for (const line of lines.slice(0, 2)) {
        line.netamount -= delta;
        line.foreignamount -= delta;
      }
      impact = delta;
    }
    ctx.plant({
      rule_id: "R12",
      canonical_key: `invoice:kantata:${link.invoiceId}`,
      systems: {
        kantata: { invoice: link.invoiceId },
        netsuite: { transaction: link.transactionId },
      },
      hours_impact: null,
      amount_impact: round2(impact),
      currency: project.client.currency,
      description:
        k % 3 === 2
          ? "T&M invoice never reached NetSuite"
          : "NetSuite invoice total short of billable time",
    });
  });
}
