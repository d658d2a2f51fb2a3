import type { ServerResponse } from 'node:http';
import {
  TRPCError,
  callTRPCProcedure,
  getTRPCErrorFromUnknown,
  getTRPCErrorShape,
  isTrackedEnvelope,
} from '@trpc/server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { appRouter } from '../app-router';
import type { Context } from '../trpc/context';
import { toTRPCError } from '../trpc/error-mapping';

/**
 * The subscriptions served here, each at GET /trpc/<path>. A static route wins over the tRPC
 * plugin's `/trpc/:path`, so these paths never reach tRPC's own SSE writer
 * (test/live-streams.test.ts checks that every subscription of the router is listed).
 */
export const LIVE_PROCEDURES: readonly string[] = ['activity.onEvent'];

export interface LiveStreamOptions {
  createContext(
    request: FastifyRequest,
    reply: FastifyReply,
    connectionParams: Record<string, string> | null,
  ): Context;
  /** Heartbeat on a stream that sent nothing for this long. */
  pingMs: number;
  /** Sent in the `connected` event: the client reconnects after this long without a byte. */
  reconnectAfterInactivityMs: number;
  onError(error: TRPCError, request: FastifyRequest, path: string): void;
}

const config = appRouter._def._config;

/**
 * tRPC subscriptions over Server-Sent Events, written straight to the socket in tRPC's own SSE
 * protocol (`connected`, tracked events as `data:` + `id:`, `ping`, `serialized-error`, `return`;
 * the Last-Event-ID header or `lastEventId` parameter merged into the input), so tRPC's
 * httpSubscriptionLink and any EventSource read it unchanged. The procedure runs through tRPC
 * (callTRPCProcedure: its middlewares, input validation, error shapes).
 *
 * Why not tRPC's own writer: on Node 20 it pipes each event through four web streams and
 * writes it in four chunks, about 0.3 ms of CPU per event per subscriber in the profile of 500
 * subscribers; a board event reaches every member looking at the workspace. Here an event is
 * serialized once for all its subscribers (the same entry object reaches each of them) and
 * written in one write, and a slow socket pauses its stream (backpressure) instead of queuing.
 */
export function registerLiveStreams(app: FastifyInstance, options: LiveStreamOptions): void {
  const open = new Set<LiveStreamWriter>();
  const heartbeat = setInterval(
    () => {
      const now = Date.now();
      for (const writer of open) if (now - writer.lastWriteAt >= options.pingMs) writer.ping();
    },
    Math.min(1_000, options.pingMs),
  );
  heartbeat.unref();
  app.addHook('onClose', async () => clearInterval(heartbeat));

  for (const path of LIVE_PROCEDURES) {
    app.get(`/trpc/${path}`, async (request, reply) => {
      const query = request.query as Record<string, string | undefined>;
      let ctx: Context | undefined;
      let input: unknown;
      const writer = new LiveStreamWriter(reply.raw);
      const controller = new AbortController();
      reply.raw.once('close', () => controller.abort());
      // The response is ours from here on: Fastify neither serializes nor ends it.
      reply.hijack();
      writer.head({
        ...(reply.getHeaders() as Record<string, string>),
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache, no-transform',
        'x-accel-buffering': 'no',
        connection: 'keep-alive',
        vary: 'trpc-accept, accept',
      });
      open.add(writer);
      try {
        ctx = options.createContext(request, reply, parseConnectionParams(query.connectionParams));
        input = readInput(query, request.headers['last-event-id']);
        const iterable: unknown = await callTRPCProcedure({
          router: appRouter,
          path,
          type: 'subscription',
          ctx,
          getRawInput: () => Promise.resolve(input),
          signal: controller.signal,
          batchIndex: 0,
        });
        // Sent once the procedure has set the subscription up (see activity.onEvent).
        writer.event(
          'connected',
          JSON.stringify({ reconnectAfterInactivityMs: options.reconnectAfterInactivityMs }),
        );
        if (!isAsyncIterable(iterable)) {
          throw new TRPCError({
            code: 'INTERNAL_SERVER_ERROR',
            message: `${path} returned no stream`,
          });
        }
        for await (const value of iterable) {
          if (controller.signal.aborted) break;
          await writer.data(value);
        }
        if (!controller.signal.aborted) writer.event('return', '');
      } catch (cause) {
        if (!controller.signal.aborted) {
          const error = toTRPCError(getTRPCErrorFromUnknown(cause));
          options.onError(error, request, path);
          const shape = getTRPCErrorShape({
            config,
            ctx,
            error,
            input,
            path,
            type: 'subscription',
          });
          writer.event(
            'serialized-error',
            JSON.stringify(config.transformer.output.serialize(shape)),
          );
        }
      } finally {
        open.delete(writer);
        writer.end();
        // However the stream ended: the procedure releases what it holds on this signal.
        controller.abort();
      }
    });
  }
}

/** `data` of each event, serialized once however many subscribers it reaches. */
const serializedData = new WeakMap<object, string>();

function serialize(data: unknown): string {
  if (typeof data !== 'object' || data === null) {
    return JSON.stringify(config.transformer.output.serialize(data));
  }
  let text = serializedData.get(data);
  if (text === undefined) {
    text = JSON.stringify(config.transformer.output.serialize(data));
    serializedData.set(data, text);
  }
  return text;
}

/** One SSE response: whole events, one write each, waiting for `drain` when the socket is full. */
class LiveStreamWriter {
  lastWriteAt = Date.now();
  readonly #response: ServerResponse;
  #ended = false;

  constructor(response: ServerResponse) {
    this.#response = response;
  }

  head(headers: Record<string, string | number | string[] | undefined>): void {
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined) this.#response.setHeader(name, value);
    }
    this.#response.writeHead(200);
  }

  event(name: string, data: string): boolean {
    return this.#write(`event: ${name}\ndata: ${data}\n\n`);
  }

  ping(): void {
    // A ping behind a full socket would only queue: the stream is already waiting on `drain`.
    if (this.#response.writableNeedDrain) return;
    this.event('ping', '');
  }

  async data(value: unknown): Promise<void> {
    const frame = isTrackedEnvelope(value)
      ? `id: ${value[0]}\ndata: ${serialize(value[1])}\n\n`
      : `data: ${serialize(value)}\n\n`;
    if (!this.#write(frame)) await this.#drained();
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#response.end();
  }

  #write(text: string): boolean {
    if (this.#ended || this.#response.destroyed) return true;
    this.lastWriteAt = Date.now();
    return this.#response.write(text);
  }

  #drained(): Promise<void> {
    const response = this.#response;
    return new Promise((resolve) => {
      const done = () => {
        response.off('drain', done);
        response.off('close', done);
        resolve();
      };
      response.on('drain', done);
      response.on('close', done);
    });
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/** tRPC's input encoding for GET: superjson-style JSON in `input`; the last event id merged in. */
function readInput(
  query: Record<string, string | undefined>,
  lastEventIdHeader: string | string[] | undefined,
): unknown {
  let input: unknown;
  if (query.input !== undefined) {
    try {
      input = config.transformer.input.deserialize(JSON.parse(query.input));
    } catch (cause) {
      throw new TRPCError({ code: 'BAD_REQUEST', message: 'The input is not valid JSON', cause });
    }
  }
  const header = Array.isArray(lastEventIdHeader) ? lastEventIdHeader[0] : lastEventIdHeader;
  const lastEventId = header ?? query.lastEventId ?? query['Last-Event-Id'];
  if (lastEventId === undefined) return input;
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
    return { ...input, lastEventId };
  }
  return input ?? { lastEventId };
}

/** tRPC's `connectionParams` query parameter: a JSON object of strings (browsers send the token here). */
function parseConnectionParams(text: string | undefined): Record<string, string> | null {
  if (text === undefined) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: 'connectionParams is not valid JSON',
      cause,
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'connectionParams must be an object' });
  }
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'string') {
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message: `connectionParams.${key} must be a string`,
      });
    }
    params[key] = value;
  }
  return params;
}
