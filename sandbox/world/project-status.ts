import type { KoStatus } from "./vendor-records.js";

/** Kantata workspace statuses the sandbox uses, and their NetSuite job entitystatus. */
export const STATUSES: Record<number, KoStatus & { erp: string }> = {
  200: { key: 200, color: "gray", message: "Not Started", erp: "3" },
  310: { key: 310, color: "green", message: "In Progress", erp: "2" },
  330: { key: 330, color: "yellow", message: "On Hold", erp: "4" },
  410: { key: 410, color: "blue", message: "Completed", erp: "1" },
  420: { key: 420, color: "red", message: "Cancelled", erp: "1" },
};

/** The Kantata status object for a key (without the ERP mapping). */
export function koStatus(key: number): KoStatus {
  const status = STATUSES[key]!;
  return { color: status.color, key: status.key, message: status.message };
}
