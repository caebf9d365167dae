import { z } from "zod";
import type { SystemName } from "../world/types.js";

export const FAULT_KINDS = [
  "http_429",
  "http_429_retry_after",
  "sf_request_limit",
  "http_500",
  "http_503",
  "timeout",
  "truncated_json",
  "malformed_json",
  "slow",
  "expired_token",
  "write_validation",
  "expired_locator",
  "gateway_page",
  "firewall_page",
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

/** A fault request, as posted to `/__sandbox/faults` (snake_case like the wire). */
export const faultSpecSchema = z.strictObject({
  system: z.enum(["salesforce", "netsuite", "kantata", "workday"]).optional(),
  /** Substring of the request path (query string excluded). */
  path: z.string().optional(),
  method: z
    .string()
    .transform((value) => value.toUpperCase())
    .optional(),
  kind: z.enum(FAULT_KINDS),
  /** How many matching requests it hits before it is spent. */
  times: z.number().int().positive().default(1),
  delay_ms: z.number().int().nonnegative().optional(),
  retry_after_s: z.number().int().nonnegative().optional(),
  /** Carry the request out first, then replace its answer (a write applied, its reply lost). */
  after_processing: z.boolean().default(false),
});

export type FaultSpec = z.input<typeof faultSpecSchema>;
export type Fault = z.output<typeof faultSpecSchema> & { id: number; hits: number };

/** What a request looks like to fault matching. */
export interface FaultTarget {
  system: SystemName;
  method: string;
  path: string;
  write: boolean;
}

/** Armed faults; each matching request takes one hit until `times` is spent. */
export class FaultInjector {
  readonly #faults: Fault[] = [];
  #nextId = 1;

  /** Arms a fault; throws a ZodError on an invalid spec. */
  add(spec: FaultSpec): Fault {
    const fault: Fault = { ...faultSpecSchema.parse(spec), id: this.#nextId++, hits: 0 };
    this.#faults.push(fault);
    return { ...fault };
  }

  /** Faults still armed. */
  list(): Fault[] {
    return this.#faults.map((fault) => ({ ...fault }));
  }

  clear(): void {
    this.#faults.length = 0;
  }

  /** The first armed fault matching the request, consuming one of its hits. */
  take(target: FaultTarget): Fault | undefined {
    const index = this.#faults.findIndex((fault) => applies(fault, target));
    if (index < 0) return undefined;
    const fault = this.#faults[index] as Fault;
    fault.hits += 1;
    if (fault.hits >= fault.times) this.#faults.splice(index, 1);
    return { ...fault };
  }
}

function applies(fault: Fault, target: FaultTarget): boolean {
  if (fault.system !== undefined && fault.system !== target.system) return false;
  if (fault.method !== undefined && fault.method !== target.method) return false;
  if (fault.path !== undefined && !target.path.includes(fault.path)) return false;
  if (fault.kind === "write_validation" && !target.write) return false;
  if (fault.kind === "expired_locator" && !/\/query\/[^/]+-\d+$/.test(target.path)) return false;
  return true;
}
