import type { PipesSession } from "./pipes-session.js";

const SIGNALS = ["SIGINT", "SIGTERM"] as const;

/**
 * Makes sure Dagster hears `closed` however the process ends: an uncaught exception or
 * unhandled rejection closes with that error; an exit before `close()` closes with an error
 * naming the exit code (or cleanly on code 0). On SIGINT/SIGTERM (PipesSubprocessClient sends
 * SIGINT when a run is cancelled) the session closes and the signal is re-raised, unless the
 * command listens for it itself to stop gracefully: then its own error closes the session.
 * Returns the function that removes the hooks.
 */
export function installExitHooks(session: PipesSession): () => void {
  const onUncaught = (error: Error) => session.close(error);
  const onExit = (code: number) => {
    if (code === 0) session.close();
    else
      session.close(
        new Error(`pslink exited with code ${code} before closing the Dagster Pipes session`),
      );
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (process.listenerCount(signal) > 1) return;
    session.close(new Error(`pslink was interrupted by ${signal}`));
    process.kill(process.pid, signal);
  };
  process.on("uncaughtExceptionMonitor", onUncaught);
  process.on("exit", onExit);
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return () => {
    process.off("uncaughtExceptionMonitor", onUncaught);
    process.off("exit", onExit);
    for (const signal of SIGNALS) process.off(signal, onSignal);
  };
}
