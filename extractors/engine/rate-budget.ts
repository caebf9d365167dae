import PQueue from "p-queue";
import type { SourceHttpConfig } from "../../core/config/index.js";
import { SystemReachability } from "./system-reachability.js";

/**
 * One request budget per source tenant, shared by all its streams: at most
 * `requests_per_second` starts per second and `max_concurrency` requests in flight.
 */
export class RateBudget {
  readonly #queue: PQueue;
  /** Whether the tenant still answers: shared by its streams like the budget itself. */
  readonly reachability = new SystemReachability();

  constructor(http: Pick<SourceHttpConfig, "requests_per_second" | "max_concurrency">) {
    const perSecond = http.requests_per_second;
    // Sub-1 rates become one request per longer interval rather than a zero cap.
    const intervalCap = Math.max(1, Math.floor(perSecond));
    this.#queue = new PQueue({
      concurrency: http.max_concurrency,
      intervalCap,
      interval: Math.round((1000 * intervalCap) / perSecond),
      carryoverConcurrencyCount: true,
    });
  }

  /** Runs `task` when the budget allows. */
  run<T>(task: () => Promise<T>): Promise<T> {
    return this.#queue.add(task, { throwOnTimeout: true });
  }
}
