import { Transform } from 'node:stream';
import { errorCodes, type FastifyInstance } from 'fastify';
import type { ApiConfig } from '../config';
import { trpcErrorBody } from './trpc-error-response';

/**
 * The procedures whose input can be large (task descriptions up to 20,000 characters, comments up
 * to 10,000). Every other procedure takes a few ids and short strings, so its body is held to
 * SMALL_BODY_LIMIT_BYTES: a hostile body for auth.signIn costs what a normal one does. A new
 * procedure with a large input must be listed here (its tests would get 413 otherwise).
 */
export const LARGE_INPUT_PROCEDURES: ReadonlySet<string> = new Set([
  'tasks.create',
  'tasks.update',
  'comments.add',
]);

/**
 * Deepest nesting of arrays and objects accepted in a tRPC input, before it is parsed: a batch
 * envelope, superjson's `{ json, meta }` and our inputs nest at most 6 levels.
 */
export const MAX_JSON_DEPTH = 32;

/** The body limit of a /trpc POST: BODY_LIMIT_BYTES only if the batch names a large-input procedure. */
function bodyLimitFor(url: string, config: ApiConfig): number {
  const end = url.indexOf('?');
  const procedures = url.slice('/trpc/'.length, end === -1 ? undefined : end).split(',');
  return procedures.some((procedure) => LARGE_INPUT_PROCEDURES.has(procedure))
    ? config.BODY_LIMIT_BYTES
    : Math.min(config.SMALL_BODY_LIMIT_BYTES, config.BODY_LIMIT_BYTES);
}

/**
 * How deeply `text` (JSON) nests arrays and objects, scanning no further than `limit` + 1: a
 * linear pass over the characters, far cheaper than parsing, so a hostile body is refused
 * before JSON.parse and superjson walk it.
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 92 /* \ */) index += 1;
      else if (code === 34 /* " */) inString = false;
    } else if (code === 34) {
      inString = true;
    } else if (code === 91 /* [ */ || code === 123 /* { */) {
      depth += 1;
      if (depth > limit) return true;
    } else if (code === 93 /* ] */ || code === 125 /* } */) {
      depth -= 1;
    }
  }
  return false;
}

/** A body stream that fails with 413 once more than `limit` bytes have passed (chunked bodies). */
function capped(limit: number): Transform {
  let received = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      if (received > limit) done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
      else done(null, chunk);
    },
  });
}

/**
 * Bounds a /trpc input before anything parses or transforms it: the body size by procedure
 * (preParsing: the declared Content-Length is checked at once, a chunked body is counted as it
 * arrives) and the nesting depth of the body or of a GET's `input` (preHandler, before the tRPC
 * adapter's JSON.parse). superjson's types are restricted in trpc/input-transformer.ts.
 */
export function registerInputLimits(app: FastifyInstance, config: ApiConfig): void {
  app.addHook('preParsing', (request, _reply, payload, done) => {
    const declared = request.headers['content-length'];
    // Neither header: the request has no body (RFC 9112, 6.3), as every GET query. A counting
    // stream piped for it was an allocation-heavy no-op on the hot path (see the commit).
    if (declared === undefined && request.headers['transfer-encoding'] === undefined) {
      return done(null, payload);
    }
    if (!request.url.startsWith('/trpc/')) return done(null, payload);
    const limit = bodyLimitFor(request.url, config);
    if (limit >= config.BODY_LIMIT_BYTES) return done(null, payload);
    if (declared !== undefined) {
      if (Number(declared) > limit) return done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
      return done(null, payload); // Fastify stops reading at the declared length
    }
    done(null, payload.pipe(capped(limit)));
  });

  app.addHook('preHandler', (request, reply, done) => {
    if (!request.url.startsWith('/trpc/')) return done();
    const text =
      typeof request.body === 'string'
        ? request.body
        : (request.query as Record<string, unknown> | undefined)?.input;
    // Nesting deeper than MAX_JSON_DEPTH takes more than 2 × MAX_JSON_DEPTH characters: short
    // inputs (a GET of one id) skip the scan.
    if (
      typeof text === 'string' &&
      text.length > 2 * MAX_JSON_DEPTH &&
      jsonDepthExceeds(text, MAX_JSON_DEPTH)
    ) {
      void reply
        .code(400)
        .send(
          trpcErrorBody(
            request.url,
            'BAD_REQUEST',
            400,
            `The input nests deeper than ${MAX_JSON_DEPTH} levels`,
            config.MAX_BATCH_SIZE,
          ),
        );
      return;
    }
    done();
  });
}
