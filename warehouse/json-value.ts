/** A json column's value as an object (drivers return it parsed or as text); null for none. */
export function parseJson(value: unknown): Record<string, unknown> | null {
  if (value === null || value === undefined) return null;
  const parsed: unknown = typeof value === "string" ? JSON.parse(value) : value;
  return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : null;
}
