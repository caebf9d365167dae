import { configError } from "../../core/errors.js";
import { kantataStamp, salesforceStamp, suiteqlStamp, workdayStamp } from "./calendar.js";
import { MemoryCollection } from "./memory-collection.js";
import type { SandboxRecord, SystemName } from "./types.js";
import type * as V from "./vendor-records.js";

const FORMAT: Record<SystemName, (ms: number) => string> = {
  salesforce: salesforceStamp,
  netsuite: suiteqlStamp,
  kantata: kantataStamp,
  workday: workdayStamp,
};

const MODIFIED: Record<SystemName, string> = {
  salesforce: "SystemModstamp",
  netsuite: "lastmodifieddate",
  kantata: "updated_at",
  workday: "Last_Updated",
};

/** Every collection: system, name, primary key (modified field per system, one exception). */
const SPECS: ReadonlyArray<readonly [SystemName, string, string]> = [
  ["salesforce", "Account", "Id"],
  ["salesforce", "Opportunity", "Id"],
  ["netsuite", "subsidiary", "id"],
  ["netsuite", "customer", "id"],
  ["netsuite", "job", "id"],
  ["netsuite", "employee", "id"],
  ["netsuite", "timebill", "id"],
  ["netsuite", "transaction", "id"],
  ["netsuite", "transactionline", "uniquekey"],
  ["netsuite", "accountingperiod", "id"],
  ["kantata", "workspace_groups", "id"],
  ["kantata", "workspaces", "id"],
  ["kantata", "users", "id"],
  ["kantata", "stories", "id"],
  ["kantata", "assignments", "id"],
  ["kantata", "time_entries", "id"],
  ["kantata", "expenses", "id"],
  ["kantata", "invoices", "id"],
  ["kantata", "external_references", "id"],
  ["kantata", "custom_field_sets", "id"],
  ["kantata", "custom_fields", "id"],
  ["kantata", "custom_field_values", "id"],
  ["workday", "workers", "Employee_ID"],
];

/** The world's collections by system and name, with typed accessors for the generator. */
export class WorldStore {
  private readonly byKey = new Map<string, MemoryCollection>();

  constructor() {
    for (const [system, name, primaryKey] of SPECS) {
      const modifiedField =
        system === "netsuite" && name === "transactionline"
          ? "linelastmodifieddate"
          : MODIFIED[system];
      this.byKey.set(
        `${system}.${name}`,
        new MemoryCollection({
          system,
          name,
          primaryKey,
          modifiedField,
          formatModified: FORMAT[system],
        }),
      );
    }
  }

  /** The collection, or a config error naming the known ones. */
  collection(system: SystemName, name: string): MemoryCollection {
    const found = this.byKey.get(`${system}.${name}`);
    if (!found) {
      const known = this.collections(system).map((c) => c.name);
      throw configError(`The sandbox has no ${system} collection "${name}".`, {
        hint: `Use one of: ${known.join(", ")}.`,
      });
    }
    return found;
  }

  collections(system: SystemName): MemoryCollection[] {
    return [...this.byKey.values()].filter((c) => c.system === system);
  }

  all(): MemoryCollection[] {
    return [...this.byKey.values()];
  }

  private typed<R extends SandboxRecord>(system: SystemName, name: string): MemoryCollection<R> {
    return this.collection(system, name) as unknown as MemoryCollection<R>;
  }

  get accounts() {
    return this.typed<V.SfAccount>("salesforce", "Account");
  }
  get opportunities() {
    return this.typed<V.SfOpportunity>("salesforce", "Opportunity");
  }
  get subsidiaries() {
    return this.typed<V.NsSubsidiary>("netsuite", "subsidiary");
  }
  get customers() {
    return this.typed<V.NsCustomer>("netsuite", "customer");
  }
  get jobs() {
    return this.typed<V.NsJob>("netsuite", "job");
  }
  get employees() {
    return this.typed<V.NsEmployee>("netsuite", "employee");
  }
  get timebills() {
    return this.typed<V.NsTimebill>("netsuite", "timebill");
  }
  get transactions() {
    return this.typed<V.NsTransaction>("netsuite", "transaction");
  }
  get transactionLines() {
    return this.typed<V.NsTransactionLine>("netsuite", "transactionline");
  }
  get periods() {
    return this.typed<V.NsAccountingPeriod>("netsuite", "accountingperiod");
  }
  get groups() {
    return this.typed<V.KoWorkspaceGroup>("kantata", "workspace_groups");
  }
  get workspaces() {
    return this.typed<V.KoWorkspace>("kantata", "workspaces");
  }
  get users() {
    return this.typed<V.KoUser>("kantata", "users");
  }
  get stories() {
    return this.typed<V.KoStory>("kantata", "stories");
  }
  get assignments() {
    return this.typed<V.KoAssignment>("kantata", "assignments");
  }
  get timeEntries() {
    return this.typed<V.KoTimeEntry>("kantata", "time_entries");
  }
  get expenses() {
    return this.typed<V.KoExpense>("kantata", "expenses");
  }
  get invoices() {
    return this.typed<V.KoInvoice>("kantata", "invoices");
  }
  get externalRefs() {
    return this.typed<V.KoExternalReference>("kantata", "external_references");
  }
  get customFieldSets() {
    return this.typed<V.KoCustomFieldSet>("kantata", "custom_field_sets");
  }
  get customFields() {
    return this.typed<V.KoCustomField>("kantata", "custom_fields");
  }
  get customFieldValues() {
    return this.typed<V.KoCustomFieldValue>("kantata", "custom_field_values");
  }
  get workers() {
    return this.typed<V.WdWorker>("workday", "workers");
  }
}
