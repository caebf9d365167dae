/**
 * Iterates `source` while fetching up to `depth` items ahead, so the next page's HTTP request
 * runs while the current batch commits. Memory stays bounded by `depth` pages.
 */
export async function* readAhead<T>(source: AsyncIterable<T>, depth = 1): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  const queue: Promise<IteratorResult<T>>[] = [];
  const pull = () => {
    const next = iterator.next();
    // A rejection is observed when the consumer reaches it; until then keep Node from reporting it.
    next.catch(() => undefined);
    queue.push(next);
  };
  let finished = false;
  try {
    for (let i = 0; i <= depth; i++) pull();
    for (;;) {
      const result = await (queue.shift() as Promise<IteratorResult<T>>);
      if (result.done) {
        finished = true;
        return;
      }
      pull();
      yield result.value;
    }
  } finally {
    if (!finished) await iterator.return?.().catch(() => undefined);
  }
}
