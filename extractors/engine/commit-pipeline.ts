/**
 * Lands a stream's batches one at a time, in order, while the caller prepares the next one:
 * `submit` waits for the batch before to land, then starts landing the new one. A failed landing
 * stops the pipeline: its failure is thrown at the caller's next `check`, `submit` or `drain`.
 */
export class CommitPipeline<B> {
  readonly #commit: (batch: B) => Promise<unknown>;
  #inFlight: Promise<void> = Promise.resolve();
  #failure: { error: unknown } | undefined;

  constructor(commit: (batch: B) => Promise<unknown>) {
    this.#commit = commit;
  }

  /** Throws the failure of an earlier landing, if one failed. */
  check(): void {
    if (this.#failure) throw this.#failure.error;
  }

  /** Waits for the landing in flight, then starts landing `batch`. */
  async submit(batch: B): Promise<void> {
    this.check();
    await this.#inFlight;
    this.check();
    this.#inFlight = this.#commit(batch).then(
      () => undefined,
      (error: unknown) => {
        this.#failure ??= { error };
      },
    );
  }

  /** Waits for the landing in flight; throws when a landing failed. */
  async drain(): Promise<void> {
    await this.#inFlight;
    this.check();
  }
}
