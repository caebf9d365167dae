/** A repeatable, comma-separable option's values (`--rule R01,R09 --rule r10`), trimmed, once each. */
export const splitList = (values: readonly string[]): string[] => [
  ...new Set(
    values
      .flatMap((value) => value.split(","))
      .map((value) => value.trim())
      .filter(Boolean),
  ),
];
