import { appendFileSync } from "node:fs";
import type { PipesMessagesParams } from "./pipes-bootstrap.js";
import type { PipesMessage } from "./pipes-protocol.js";

/** Where messages go: one JSON document per line, in the order they were written. */
export interface PipesMessageChannel {
  write(message: PipesMessage): void;
  /** Flushes anything held back; the channel takes no messages afterwards. */
  close(): void;
}

/**
 * `PipesDefaultMessageWriter`: a JSONL file (what PipesSubprocessClient reads by default) or
 * stdout/stderr. Every write is synchronous, so the order holds and a message written on a crash
 * path (an `exit` handler) still reaches the orchestrator.
 */
export function openMessageChannel(params: PipesMessagesParams): PipesMessageChannel {
  switch (params.kind) {
    case "file":
      return {
        write: (message) => appendFileSync(params.path, `${JSON.stringify(message)}\n`, "utf8"),
        close: () => {},
      };
    case "stdio": {
      const stream = params.stream === "stdout" ? process.stdout : process.stderr;
      // Stream writes to pipes and files are synchronous on POSIX, so lines never interleave.
      const emit = (message: PipesMessage) => stream.write(`${JSON.stringify(message)}\n`);
      if (!params.buffered) return { write: emit, close: () => {} };
      const held: PipesMessage[] = [];
      return {
        write: (message) => held.push(message),
        close: () => held.splice(0).forEach(emit),
      };
    }
  }
}
