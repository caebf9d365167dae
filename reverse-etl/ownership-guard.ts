import type { GovernanceConfig } from "../core/config/governance-schema.js";
import type { Proposal } from "./proposal-schema.js";

/**
 * The system-of-record check: a write-back flows only from a domain's owner to one of its
 * subscribers. Returns the refusal reason, or undefined when the flow is allowed.
 */
export function ownershipRefusal(
  proposal: Pick<Proposal, "rule_id" | "domain" | "source_system" | "target_system">,
  governance: GovernanceConfig,
): string | undefined {
  const entry = governance.ownership[proposal.domain];
  const { rule_id: rule, domain } = proposal;
  if (proposal.target_system === entry.owner) {
    return `rule ${rule} writes into ${entry.owner}, the owner of domain ${domain}: a domain's owner is never written back to`;
  }
  if (proposal.source_system !== entry.owner) {
    return `rule ${rule} takes ${domain} values from ${proposal.source_system}, but ${entry.owner} owns ${domain}: only the owner's values flow to subscribers`;
  }
  if (!entry.subscribers.includes(proposal.target_system)) {
    return `rule ${rule} writes ${domain} into ${proposal.target_system}, which does not subscribe to it (owner ${entry.owner}; subscribers ${entry.subscribers.join(", ") || "none"})`;
  }
  return undefined;
}
