import {
  type TRPCError,
  callTRPCProcedure,
  getTRPCErrorFromUnknown,
  getTRPCErrorShape,
  transformTRPCResponse,
} from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { appRouter } from '../app-router';
import type { Context } from '../trpc/context';

const config = appRouter._def._config;

/**
 * Each procedure's type by path. `_def.procedures` is tRPC's internal flat map of the router;
 * test/single-call-route.test.ts fails loudly if an upgrade changes it.
 */
const procedureTypes = new Map<string, string>(
  Object.entries(
    appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>,
  ).map(([path, procedure]) => [path, procedure._def.type]),
);

export interface SingleCallOptions {
  createContext(request: FastifyRequest, reply: FastifyReply): Context;
  /** Headers for the answer (Server-Timing, Retry-After), as tRPC's responseMeta gives them. */
  responseHeaders(ctx: Context | undefined, errors: TRPCError[]): Record<string, string>;
  onError(error: TRPCError, request: FastifyRequest, path: string, type: string): void;
}

/**
 * The common request, answered without tRPC's fetch-API layer: ONE query by GET (its input in
 * `?input=`) or ONE mutation by POST with a JSON body, alone or as a batch of one (what tRPC's
 * httpBatchLink sends for a lone call), no streaming. The procedure still
 * runs through tRPC (callTRPCProcedure: middlewares, input and output validation, errorFormatter),
 * and the answer is tRPC's own envelope (transformTRPCResponse, getTRPCErrorShape, the status of
 * getHTTPStatusCodeFromError), byte for byte what tRPC's adapter sends (test/wire-format.test.ts).
 *
 * Why: tRPC's adapter turns each request into a fetch Request and each answer into a Response
 * (URL, Headers, three AbortControllers, web streams); measured on the bench's no-op procedure,
 * that layer is ~0.19 ms of CPU per request, six times the procedure call itself.
 *
 * Returns false, having touched nothing, for anything else (batches of several, other methods, a procedure
 * of another type or no procedure, a body that is not JSON, connectionParams): tRPC's adapter
 * answers those, with its exact errors.
 */
export async function answerSingleCall(
  request: FastifyRequest,
  reply: FastifyReply,
  path: string,
  options: SingleCallOptions,
): Promise<boolean> {
  const query = request.query as Record<string, string | undefined>;
  if (query.connectionParams !== undefined) return false;
  // A batch of exactly one call (what tRPC's httpBatchLink sends for a lone call) is answered
  // here too, as a one-element batch: its input is `{ "0": input }`, its answer `[answer]`.
  let batched = false;
  if (query.batch !== undefined) {
    if (query.batch !== '1' || path.includes(',')) return false;
    batched = true;
  }
  // tRPC refuses a streamed answer (jsonl) for a single call: its adapter says how.
  if (request.headers['trpc-accept'] !== undefined) return false;
  const type = procedureTypes.get(path);
  let input: unknown;
  if (request.method === 'GET') {
    if (type !== 'query') return false;
    if (query.input !== undefined) {
      const parsed = parseJson(query.input);
      if (parsed === FAILED) return false;
      input = parsed;
    }
  } else if (request.method === 'POST') {
    if (type !== 'mutation') return false;
    if (request.headers['content-type']?.split(';')[0]?.trim() !== 'application/json') return false;
    const body = request.body;
    if (typeof body === 'string' && body !== '') {
      const parsed = parseJson(body);
      if (parsed === FAILED) return false;
      input = parsed;
    } else if (body !== undefined && body !== '') {
      return false;
    }
  } else {
    return false;
  }
  if (batched) {
    const first = firstOfBatch(input);
    if (!first) return false;
    input = first.value;
  }

  let ctx: Context | undefined;
  let error: TRPCError | undefined;
  let payload: unknown;
  let deserialized: unknown;
  try {
    ctx = options.createContext(request, reply);
    deserialized = input === undefined ? undefined : config.transformer.input.deserialize(input);
    const data: unknown = await callTRPCProcedure({
      router: appRouter,
      path,
      type,
      ctx,
      getRawInput: () => Promise.resolve(deserialized),
      signal: undefined,
      batchIndex: 0,
    });
    payload = transformTRPCResponse(config, { result: { data } });
  } catch (cause) {
    error = getTRPCErrorFromUnknown(cause);
    options.onError(error, request, path, type);
    const shape = getTRPCErrorShape({ config, ctx, error, input: deserialized, path, type });
    payload = transformTRPCResponse(config, { error: shape });
  }
  const headers = options.responseHeaders(ctx, error ? [error] : []);
  void reply
    .code(error ? getHTTPStatusCodeFromError(error) : 200)
    .headers(headers)
    .header('content-type', 'application/json')
    .header('vary', 'trpc-accept, accept')
    // A Buffer: Fastify would add `; charset=utf-8` to a string's content type (tRPC does not).
    .send(Buffer.from(JSON.stringify(batched ? [payload] : payload)));
  return true;
}

const FAILED = Symbol('not JSON');

/** The single call's input in a batch's `{ "0": input }` (none: `{}` or absent); null: not that shape. */
function firstOfBatch(inputs: unknown): { value: unknown } | null {
  if (inputs === undefined) return { value: undefined };
  if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs)) return null;
  const keys = Object.keys(inputs);
  if (keys.length > 1 || (keys.length === 1 && keys[0] !== '0')) return null;
  return { value: (inputs as Record<string, unknown>)['0'] };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return FAILED;
  }
}
