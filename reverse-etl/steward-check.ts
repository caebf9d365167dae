import type { StewardConfig } from "../core/config/governance-schema.js";
import type { SelectionProblem } from "./item-selection.js";
import type { WriteItem } from "./plan-types.js";

/** The steward `--as` names, or why they may not act at all. */
export type StewardLookup =
  | { kind: "steward"; steward: StewardConfig }
  | { kind: "refused"; problem: SelectionProblem };

/**
 * The configured steward named `name`; an unknown name is refused (`act` says what only
 * stewards may do: `approve`, `close out adjustments`), the hint naming those there are.
 */
export function findSteward(
  stewards: readonly StewardConfig[],
  name: string,
  act: string,
): StewardLookup {
  const steward = stewards.find((s) => s.name === name);
  if (steward) return { kind: "steward", steward };
  const names = stewards.map((s) => s.name);
  return {
    kind: "refused",
    problem: {
      message: `${name} is not a steward: only stewards listed in governance.stewards may ${act}`,
      hint:
        names.length > 0
          ? `pass --as with one of ${names.join(", ")}`
          : "add a steward with the domains they decide under governance.stewards in pslink.yml",
    },
  };
}

/**
 * Why the steward may not decide these items: some are of domains the steward does not decide
 * (each item's domain must be one of theirs). `hint` says how to go on instead.
 */
export function outsideDomains(
  steward: StewardConfig,
  items: readonly WriteItem[],
  hint: string,
): SelectionProblem | undefined {
  const outside = items.filter((item) => !steward.domains.includes(item.domain));
  if (outside.length === 0) return undefined;
  const domains = [...new Set(outside.map((item) => item.domain))];
  return {
    message: `${steward.name} is not a steward of ${domainList(domains)} (${steward.name} may decide ${steward.domains.join(", ") || "no domain"}); ${outside.length} item(s) refused`,
    hint,
  };
}

/** `domain worker` or `domains customer_master, worker`. */
export const domainList = (domains: readonly string[]) =>
  `${domains.length === 1 ? "domain" : "domains"} ${domains.join(", ")}`;
