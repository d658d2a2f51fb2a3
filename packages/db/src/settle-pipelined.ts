import { isAbortedTransaction } from './errors';

/**
 * Waits for every one of `pending`: statements of one session sent together, which the
 * connection pipelines (one round trip for all), in whatever order they reached it. Returns
 * their values, or throws as if they had run one after the other in the order given: the first
 * failure, passing over those that failed only because another had already aborted the
 * transaction (`current transaction is aborted`, whose cause went out first). Waiting for all
 * even when one fails leaves no statement running when the transaction ends.
 */
export async function settlePipelined<A, B>(pending: [Promise<A>, Promise<B>]): Promise<[A, B]>;
export async function settlePipelined<A, B, C>(
  pending: [Promise<A>, Promise<B>, Promise<C>],
): Promise<[A, B, C]>;
export async function settlePipelined(pending: Array<Promise<unknown>>): Promise<unknown[]> {
  const settled = await Promise.allSettled(pending);
  const failures = settled.flatMap((outcome) =>
    outcome.status === 'rejected' ? [outcome.reason as unknown] : [],
  );
  if (failures.length > 0) {
    throw failures.find((failure) => !isAbortedTransaction(failure)) ?? failures[0];
  }
  return settled.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value);
}
