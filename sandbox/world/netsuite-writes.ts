import { netsuiteDay, parseNetsuiteDay } from "./calendar.js";
import type { FirmState } from "./firm-state.js";

export interface CustInvcInput {
  jobId: string;
  day: number;
  currency: string;
  /** Total and line amounts in cents. */
  cents: number;
  lines: number[];
  externalid: string;
  paid: boolean;
  atMs: number;
}

/** Writes a NetSuite CustInvc with its mainline and detail lines; returns its id. */
export function addCustInvc(state: FirmState, input: CustInvcInput): string {
  const { store, ids } = state;
  const id = ids.take("netsuite.transaction");
  store.transactions.upsert(
    {
      id,
      type: "CustInvc",
      tranid: `INV${id}`,
      trandate: netsuiteDay(input.day),
      entity: input.jobId,
      status: input.paid ? "B" : "A",
      foreigntotal: input.cents / 100,
      currency: input.currency,
      postingperiod: periodOf(state, input.day),
      externalid: input.externalid,
      memo: "",
      lastmodifieddate: "",
    },
    input.atMs,
  );
  [input.cents, ...input.lines].forEach((amount, line) => {
    store.transactionLines.upsert(
      {
        uniquekey: ids.take("netsuite.transactionline"),
        transaction: id,
        id: line,
        mainline: line === 0 ? "T" : "F",
        netamount: amount / 100,
        foreignamount: amount / 100,
        item: line === 0 ? null : "Professional Services",
        entity: input.jobId,
        memo: "",
        linelastmodifieddate: "",
      },
      input.atMs,
    );
  });
  return id;
}

/** Id of the accounting period holding `day` ("" when none). */
export function periodOf(state: FirmState, day: number): string {
  for (const period of state.store.periods.scanByKey()) {
    if (parseNetsuiteDay(period.startdate) <= day && day <= parseNetsuiteDay(period.enddate)) {
      return period.id;
    }
  }
  return "";
}
