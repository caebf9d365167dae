/**
 * Exit codes: 0 ok, 1 a run finished with failures, 2 usage or config error, 3 a lock is held,
 * 4 no warehouse yet (a command that reads it ran before the first sync).
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, locked: 3, noWarehouse: 4 } as const;
