import { PslinkError, type PslinkErrorOptions } from "../../core/errors.js";
import type { SystemName } from "../../sandbox/world/types.js";

/** Why a source system counts as down for the rest of a run, and what to check. */
export interface SystemDown {
  readonly system: SystemName;
  /** `unreachable`: nothing answered at its address; `unavailable`: only failures did. */
  readonly state: "unreachable" | "unavailable";
  /** What its requests met: `nothing answered at http://… (ECONNREFUSED)`. */
  readonly reason: string;
  /** What the operator should look at: `check sources.kantata.base_url and the network`. */
  readonly check: string;
}

/** A stream's failure that says its whole system is down: the run starts none of its other streams. */
export class SystemDownError extends PslinkError {
  readonly down: SystemDown;

  constructor(message: string, down: SystemDown, options: PslinkErrorOptions = {}) {
    super("transient", message, options);
    this.down = down;
  }
}

/**
 * Whether a source system still answers, shared by its streams (the rate budget carries it). A
 * request that gives up after all its retries marks the system down when that shows the system
 * itself is gone, not one endpoint of it:
 * - nothing answered on its last attempt (DNS, connection refused, no route): one request is
 *   enough, since every endpoint lives at the same address;
 * - server errors or timeouts: the requests of two different streams must give up on them, so
 *   one slow or broken endpoint fails only its own stream.
 * Either way, a request the system served meanwhile (any stream's) clears it: a system that
 * serves some requests is up. Once down, requests in flight are aborted and backoffs cut short,
 * and every later request of the run fails at once; the run does not start the streams left.
 */
export class SystemReachability {
  #down: SystemDown | undefined;
  readonly #stop = new AbortController();
  /** Requests served so far: a request that gave up while this moved met no down system. */
  #served = 0;
  /** Streams whose requests gave up on server errors or timeouts since the last one served. */
  readonly #failing = new Set<object>();

  /** Set once the system is down; read before every attempt. */
  get down(): SystemDown | undefined {
    return this.#down;
  }

  /** Aborted when the system goes down. */
  get signal(): AbortSignal {
    return this.#stop.signal;
  }

  /** How many requests the system has served; `gaveUp` compares it with the count at the start. */
  get served(): number {
    return this.#served;
  }

  /** A request was served (called once per page: keep it cheap). */
  answered(): void {
    this.#served += 1;
    if (this.#failing.size > 0) this.#failing.clear();
  }

  /**
   * A request of `stream` (any object standing for it) gave up after its retries on what `down`
   * describes; `servedBefore` is `served` when it began. Marks the system down when that shows
   * it is, and says so.
   */
  gaveUp(stream: object, servedBefore: number, down: SystemDown): SystemDown | undefined {
    if (this.#down) return this.#down;
    if (this.#served !== servedBefore) return undefined;
    if (down.state === "unavailable") {
      this.#failing.add(stream);
      if (this.#failing.size < 2) return undefined;
    }
    this.#down = down;
    this.#stop.abort(new Error(`${down.system} is ${down.state}`));
    return down;
  }
}

/*
 * The streams a down system stops or keeps from starting say so in one line that carries its own
 * fix, with no hint of its own: the stream that found the system down has the full error above
 * them in a summary, and the one fix is not repeated under each of the others.
 */

/** The error of a request the system's going down stopped, in flight or before it was sent. */
export function stoppedByDown(down: SystemDown): SystemDownError {
  return new SystemDownError(`stopped: ${downText(down)}`, down);
}

/** The error of a stream its run did not start because its system is down. */
export function notRunError(down: SystemDown): SystemDownError {
  return new SystemDownError(`not run: ${downText(down)}`, down);
}

/** The down system a stream's error reports, if any (looked for along its causes). */
export function downSystemOf(error: unknown): SystemDown | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    if (current instanceof SystemDownError) return current.down;
    current = current.cause;
  }
  return undefined;
}

/** `kantata is unreachable: nothing answered at http://… (ECONNREFUSED); check sources.kantata.base_url …`. */
export function downText(down: SystemDown): string {
  return `${down.system} is ${down.state}: ${down.reason}; ${down.check}`;
}
