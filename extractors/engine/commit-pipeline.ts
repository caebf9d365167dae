/**
 * Runs a stream's batch commits in order while the caller prepares the next batch. Up to `depth`
 * commits are in flight; each receives the promise of the one before it and lands only after it
 * (a commit may do its preparation earlier). Memory holds `depth + 1` batches at most. A failed
 * commit stops the pipeline: the commits after it fail too, and the first failure is thrown at
 * the caller's next `check`, `submit` or `drain`.
 */
export class CommitPipeline<B> {
  readonly #commit: (batch: B, previous: Promise<unknown>) => Promise<unknown>;
  readonly #depth: number;
  readonly #inFlight: Promise<void>[] = [];
  #last: Promise<unknown> = Promise.resolve();
  #failure: { error: unknown } | undefined;

  constructor(commit: (batch: B, previous: Promise<unknown>) => Promise<unknown>, depth = 2) {
    this.#commit = commit;
    this.#depth = depth;
  }

  /** Throws the failure of an earlier commit, if one failed. */
  check(): void {
    if (this.#failure) throw this.#failure.error;
  }

  /** Waits until fewer than `depth` commits are in flight, then starts committing `batch`. */
  async submit(batch: B): Promise<void> {
    this.check();
    while (this.#inFlight.length >= this.#depth) await this.#inFlight.shift();
    this.check();
    const committed = this.#commit(batch, this.#last);
    this.#last = committed;
    this.#inFlight.push(
      committed.then(
        () => undefined,
        (error: unknown) => {
          this.#failure ??= { error };
        },
      ),
    );
  }

  /** Waits for every commit in flight; throws when any commit failed. */
  async drain(): Promise<void> {
    while (this.#inFlight.length > 0) await this.#inFlight.shift();
    this.check();
  }
}
