import type { Command } from "commander";
import { configError } from "../../core/errors.js";
import type { Warehouse } from "../../warehouse/warehouse.js";
import { withExistingWarehouse } from "../existing-warehouse.js";
import { configFrom, NO_SOURCES, print } from "../program.js";

/** A name match `canonical.identity_map` proposes, with both sides' names. */
interface ProposedMatch extends Record<string, unknown> {
  entity_type: string;
  /** The object the record would join (the ERP customer, the HRIS worker). */
  canonical_id: string;
  source_system: string;
  system_object: string;
  system_id: string;
  name: string | null;
  /** The record's own name, as it stands alone today. */
  record_name: string | null;
}

/**
 * `pslink identity`: the name matches identity resolution only proposes (DESIGN: deterministic
 * keys first, a name match needs a steward), each with the link to make at the source that
 * confirms it; the next sync and build then join the records by that key.
 */
export function registerIdentityCommand(program: Command): void {
  program
    .command("identity")
    .description(
      "list the name matches identity resolution proposes for a steward, and how to confirm each at the source",
    )
    .option("--json", "print the proposed matches as JSON lines")
    .action(async (options: { json?: boolean }, command: Command) => {
      await withExistingWarehouse(configFrom(command, NO_SOURCES), async (warehouse) => {
        const matches = await proposedMatches(warehouse);
        if (options.json) {
          for (const match of matches) print(JSON.stringify(match));
          return;
        }
        if (matches.length === 0) {
          print("no name matches waiting for a steward: every linked record has a key");
          return;
        }
        print("name matches a steward must confirm (canonical.identity_map, name_proposed):");
        for (const match of matches) {
          print();
          print(`${match.canonical_id}  ${quoted(match.name)}`);
          print(
            `  ${match.source_system} ${match.system_object} ${match.system_id}  ${quoted(match.record_name)} (today ${ownId(match)})`,
          );
          print(`  to confirm: ${confirmation(match)}`);
        }
        print();
        print(
          `${matches.length} proposed match(es). Once linked at the source, the next sync and build join them by that key; a wrong match needs nothing.`,
        );
      });
    });
}

async function proposedMatches(warehouse: Warehouse): Promise<ProposedMatch[]> {
  try {
    return await warehouse.query<ProposedMatch>(
      `select m.entity_type, m.canonical_id, m.source_system, m.system_object, m.system_id,
              coalesce(c.customer_name, w.worker_name) as name,
              coalesce(oc.customer_name, ow.worker_name) as record_name
       from canonical.identity_map as m
       left join canonical.customer as c
         on m.entity_type = 'customer' and c.customer_id = m.canonical_id
       left join canonical.customer as oc
         on m.entity_type = 'customer'
         and oc.customer_id = 'customer:' || m.source_system || ':' || m.system_id
       left join canonical.worker as w
         on m.entity_type = 'worker' and w.worker_id = m.canonical_id
       left join canonical.worker as ow
         on m.entity_type = 'worker'
         and ow.worker_id = 'worker:' || m.source_system || ':' || m.system_id
       where m.needs_steward
       order by m.entity_type, m.canonical_id, m.source_system, m.system_id`,
    );
  } catch (error) {
    throw configError("canonical.identity_map is not in the warehouse yet", {
      cause: error,
      hint: "run `pslink sync` and then `pslink build` first",
    });
  }
}

/** The canonical id the record has while it stands alone. */
const ownId = (match: ProposedMatch) =>
  `${match.entity_type}:${match.source_system}:${match.system_id}`;

/** The key pslink's identity models read, written where the system of record allows. */
function confirmation(match: ProposedMatch): string {
  const target = match.canonical_id.split(":").slice(2).join(":");
  switch (`${match.entity_type} ${match.source_system}`) {
    case "customer salesforce":
      return `in NetSuite, set customer ${target}'s External ID to the Account Id ${match.system_id}`;
    case "customer kantata":
      return `in Kantata, give client group ${match.system_id} an external reference to NetSuite customer ${target} (service NetSuite, model customer)`;
    case "worker kantata":
      return `in Kantata, give user ${match.system_id} an external reference to Workday worker ${target} (service Workday, model Worker), or the worker's e-mail`;
    default:
      return `link ${match.source_system} ${match.system_object} ${match.system_id} to ${match.canonical_id} by its system's external id`;
  }
}

const quoted = (name: string | null) => (name === null ? "(no name)" : `"${name}"`);
