import { sameValue } from "../field-values.js";
import { sameMinutes } from "./netsuite-duration.js";
import type { ObjectSpec } from "./writer-types.js";

/** REST record fields are camelCase; SuiteQL (what lands) has the same names in lower case. */
const lower = (field: string) => field.toLowerCase();

/**
 * Fields the REST record service takes and gives as a duration `H:MM`, per record type; SuiteQL
 * lands them as decimal hours (`netsuite-duration.ts`).
 */
export const DURATION_FIELDS: Readonly<Record<string, readonly string[]>> = {
  timeBill: ["hours"],
};

/** A duration field compares in whole minutes, the precision NetSuite keeps; others as values. */
const sameIn =
  (object: string) =>
  (field: string, a: unknown, b: unknown): boolean =>
    DURATION_FIELDS[object]?.includes(field.toLowerCase()) ? sameMinutes(a, b) : sameValue(a, b);

/** What the NetSuite writer may do, per record type (SOURCE-APIS.md, "Writes"). */
export const NETSUITE_OBJECTS: Readonly<Record<string, ObjectSpec>> = {
  timeBill: {
    object: "timeBill",
    stream: "timebill",
    idColumn: "id",
    modifiedColumn: "lastmodifieddate",
    // Updates correct a posted time bill to the approved Kantata entry (R02).
    operations: ["create", "update"],
    externalIdField: "externalId",
    column: lower,
    same: sameIn("timeBill"),
  },
  job: {
    object: "job",
    stream: "job",
    idColumn: "id",
    modifiedColumn: "lastmodifieddate",
    operations: ["create", "update"],
    externalIdField: "externalId",
    column: lower,
  },
  customer: {
    object: "customer",
    stream: "customer",
    idColumn: "id",
    modifiedColumn: "lastmodifieddate",
    operations: ["upsert"],
    externalIdField: "externalId",
    column: lower,
  },
};
