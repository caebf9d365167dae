/**
 * Runs batch commits one at a time, in order, while the caller prepares the next batch: at most
 * one commit is in flight, so memory holds two batches at most. A failed commit stops the
 * pipeline; the failure is thrown at the caller's next `check`, `submit` or `drain`.
 */
export class CommitPipeline<B> {
  readonly #commit: (batch: B) => Promise<void>;
  #inFlight: Promise<void> | undefined;
  #failure: { error: unknown } | undefined;

  constructor(commit: (batch: B) => Promise<void>) {
    this.#commit = commit;
  }

  /** Throws the failure of an earlier commit, if one failed. */
  check(): void {
    if (this.#failure) throw this.#failure.error;
  }

  /** Waits for the commit in flight, then starts committing `batch` without waiting for it. */
  async submit(batch: B): Promise<void> {
    await this.#settle();
    this.#inFlight = this.#commit(batch).catch((error: unknown) => {
      this.#failure = { error };
    });
  }

  /** Waits for the last commit; throws when any commit failed. */
  async drain(): Promise<void> {
    await this.#settle();
  }

  async #settle(): Promise<void> {
    const inFlight = this.#inFlight;
    this.#inFlight = undefined;
    if (inFlight) await inFlight;
    this.check();
  }
}
