/**
 * Fault-injection points of the apply loop, for the crash tests: with
 * `PSLINK_APPLY_CRASH=<point>:<n>` the process SIGKILLs itself the n-th time it reaches
 * `<point>` — `after_marker` (write-ahead committed, call not sent) or `after_call` (the call
 * answered, its outcome not yet committed). Unset, it does nothing.
 */
export type CrashPoint = "after_marker" | "after_call";

const reached = new Map<CrashPoint, number>();

/** Kills the process here when the environment asks for a crash at this point. */
export function crashPoint(point: CrashPoint): void {
  const spec = process.env.PSLINK_APPLY_CRASH;
  if (!spec) return;
  const [name, count] = spec.split(":");
  if (name !== point) return;
  const hits = (reached.get(point) ?? 0) + 1;
  reached.set(point, hits);
  if (hits === Number(count ?? "1")) process.kill(process.pid, "SIGKILL");
}
