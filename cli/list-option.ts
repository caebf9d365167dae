import { configError } from "../core/errors.js";

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
