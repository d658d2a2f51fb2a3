/**
 * Waits for every one of `pending` (statements a session sent together: the connection
 * pipelines them, one round trip for all), then returns their values, or throws the first
 * failure in the order given, as if they had run one after the other. Waiting for all even when
 * one fails leaves no statement running when the transaction ends.
 */
export async function settleInOrder<A, B>(pending: [Promise<A>, Promise<B>]): Promise<[A, B]>;
export async function settleInOrder<A, B, C>(
  pending: [Promise<A>, Promise<B>, Promise<C>],
): Promise<[A, B, C]>;
export async function settleInOrder(pending: Array<Promise<unknown>>): Promise<unknown[]> {
  const settled = await Promise.allSettled(pending);
  return settled.map((outcome) => {
    if (outcome.status === 'rejected') throw outcome.reason;
    return outcome.value;
  });
}
