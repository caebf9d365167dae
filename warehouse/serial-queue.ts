/** Runs async tasks one at a time, in call order; a failed task does not stop the ones behind it. */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  /** Queues `task` behind every task queued before it. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(
      () => task(),
      () => task(),
    );
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
