import { configError } from "../core/errors.js";
import { closest } from "../core/suggest.js";

/**
 * A repeatable, comma-separable option's values (`--rule R01,R09 --rule r10`), trimmed, once
 * each. With the option's name, an option given only empty values (`--source ""` from an unset
 * shell variable) is an error rather than "no filter".
 */
export function splitList(values: readonly string[], option?: string): string[] {
  const list = [
    ...new Set(
      values
        .flatMap((value) => value.split(","))
        .map((value) => value.trim())
        .filter(Boolean),
    ),
  ];
  if (option !== undefined && values.length > 0 && list.length === 0)
    throw configError(`${option} was given no value`, {
      hint: `name at least one, or leave ${option} out`,
    });
  return list;
}

/**
 * A repeatable, comma-separable option whose values come from a closed list (`--status`,
 * `--action`), in any case; an unknown value is an error listing the values and naming the
 * nearest.
 */
export function splitChoices<T extends string>(
  values: readonly string[],
  option: string,
  allowed: readonly T[],
): T[] {
  const chosen = splitList(values, option).map((value) => value.toLowerCase());
  const known: readonly string[] = allowed;
  const unknown = chosen.filter((value) => !known.includes(value));
  if (unknown.length > 0) {
    const near = [...new Set(unknown.map((value) => closest(value, allowed)))].filter(Boolean);
    throw configError(
      `${option} ${unknown.join(", ")}: expected ${allowed.join(", ")}${near.length > 0 ? `; did you mean ${near.join(", ")}?` : ""}`,
    );
  }
  return chosen as T[];
}
