/** Exit codes: 0 ok, 1 a run finished with failures, 2 usage or config error, 3 a lock is held. */
export const EXIT = { ok: 0, failed: 1, usage: 2, locked: 3 } as const;
