import { issuesText, plainIssueMessage } from "../core/plain-issues.js";
import type { Warehouse } from "../warehouse/warehouse.js";
import { PROPOSAL_COLUMNS, type Proposal, proposalSchema } from "./proposal-schema.js";

/** A proposal row that broke the contract, with why (audited, never planned). */
export interface InvalidProposal {
  relation: string;
  proposal_key: string | null;
  problem: string;
}

export interface ProposalBatch {
  relations: string[];
  proposals: Array<Proposal & { relation: string }>;
  invalid: InvalidProposal[];
}

/** Reads every relation (table or view) of the proposals schema, validating each row. */
export async function readProposals(
  wh: Pick<Warehouse, "query" | "quote">,
  schema: string,
): Promise<ProposalBatch> {
  const tables = await wh.query<{ table_name: string }>(
    `select distinct table_name from information_schema.tables where table_schema = $1 order by table_name`,
    [schema],
  );
  const batch: ProposalBatch = { relations: [], proposals: [], invalid: [] };
  for (const { table_name: table } of tables) {
    const relation = `${schema}.${table}`;
    batch.relations.push(relation);
    const columns = PROPOSAL_COLUMNS.map((column) => wh.quote(column)).join(", ");
    let rows: Array<Record<string, unknown>>;
    try {
      rows = await wh.query(
        `select ${columns} from ${wh.quote(schema)}.${wh.quote(table)} order by proposal_key`,
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      batch.invalid.push({
        relation,
        proposal_key: null,
        problem: `cannot read it as proposals: ${message}`,
      });
      continue;
    }
    for (const row of rows) {
      const parsed = safeParse(row);
      if (parsed.ok) batch.proposals.push({ ...parsed.proposal, relation });
      else
        batch.invalid.push({
          relation,
          proposal_key: textOrNull(row.proposal_key),
          problem: parsed.problem,
        });
    }
  }
  return batch;
}

function safeParse(
  row: Record<string, unknown>,
): { ok: true; proposal: Proposal } | { ok: false; problem: string } {
  try {
    const result = proposalSchema.safeParse(row, { error: plainIssueMessage });
    if (result.success) return { ok: true, proposal: result.data };
    return { ok: false, problem: issuesText(result.error, "row") };
  } catch (error) {
    return { ok: false, problem: error instanceof Error ? error.message : String(error) };
  }
}

function textOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}
