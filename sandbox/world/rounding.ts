/** Rounds half away from zero to 2 decimals (docs/reconciliation-rules.md). */
export function round2(value: number): number {
  const scaled = Math.round(Math.abs(value) * 100 + 1e-7) / 100;
  return value < 0 && scaled !== 0 ? -scaled : scaled;
}
