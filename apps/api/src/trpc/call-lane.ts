/**
 * Runs the calls of one batched HTTP request one after another. tRPC starts a batch's calls
 * at once, and each opens its own transaction: a batch of 10 (or 50) calls could take the whole
 * pool, so one client with a few batches starved everyone else. In a lane a batch holds at most
 * one connection at a time, like a single call; its calls still each get their own transaction
 * and deadline. Only batched requests get a lane (see context.ts): a single call pays nothing.
 */
export class CallLane {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(work);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
