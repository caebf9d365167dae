import type { ObjectSpec } from "./writer-types.js";

/** REST record fields are camelCase; SuiteQL (what lands) has the same names in lower case. */
const lower = (field: string) => field.toLowerCase();

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
