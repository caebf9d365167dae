import type { Session, Warehouse } from "./warehouse.js";

/** A warehouse session kept across calls: work is added to it over time, then it is released. */
export interface HeldSession {
  /** The session, once a connection is free. */
  readonly session: Promise<Session>;
  /** Gives the connection back; resolves once it is back (or the session failed to open). */
  release(): Promise<void>;
}

/**
 * Holds one session of `wh` until `release`: its transactions share the connection's temporary
 * tables, as inside `Warehouse.session`, but they need not run from one callback. Release it in
 * every case, or the connection stays taken.
 */
export function holdSession(wh: Warehouse): HeldSession {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let opened: (session: Session) => void = () => {};
  let failed: (error: unknown) => void = () => {};
  const session = new Promise<Session>((resolve, reject) => {
    opened = resolve;
    failed = reject;
  });
  const done = wh
    .session(async (held) => {
      opened(held);
      await released;
    })
    .catch(failed);
  // A failure to open is reported through `session`; `release` must not throw it again.
  session.catch(() => undefined);
  return {
    session,
    release: async () => {
      release();
      await done;
    },
  };
}
