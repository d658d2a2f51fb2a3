import superjson from 'superjson';

/** One Server-Sent Event as tRPC writes it. */
export interface SseEvent {
  event: string;
  id?: string;
  data: string;
}

export interface LiveEvent {
  /** The tracked id: the event's position in the workspace feed. */
  id: string;
  entry: {
    id: string;
    kind: string;
    taskId: string | null;
    createdAt: Date;
    actor: { id: string; name: string };
    data: Record<string, unknown>;
  };
  receivedAt: number;
}

export interface StreamEnd {
  /** 'error': tRPC's serialized-error event (with its code); 'return': a clean end; 'closed': the connection ended. */
  how: 'error' | 'return' | 'closed';
  code?: string;
  message?: string;
}

export interface OpenOptions {
  token?: string;
  /** The token in tRPC's connectionParams (as a browser's EventSource sends it) instead of a header. */
  connectionParamsToken?: string;
  lastEventId?: string;
  /** Sent as the Last-Event-ID header (EventSource's own reconnect) instead of in the input. */
  lastEventIdHeader?: string;
  /** Keep only each event's id (no parsing of its data): for many streams at once. */
  idsOnly?: boolean;
}

/**
 * A raw SSE reader for activity.onEvent over fetch: the wire protocol, nothing of tRPC's client,
 * so the tests see exactly what the server sends (ids, error events, when the stream ends).
 */
export class LiveStream {
  readonly events: LiveEvent[] = [];
  /** Heartbeats received. */
  pings = 0;
  status = 0;
  /** The first answer body when the server refused the stream (not 200). */
  refusal: unknown;
  end: StreamEnd | undefined;
  readonly #controller = new AbortController();
  readonly #ended: Promise<StreamEnd>;
  readonly #connected: Promise<void>;
  #waiters: Array<() => void> = [];
  readonly #idsOnly: boolean;

  constructor(origin: string, workspaceId: string, options: OpenOptions = {}) {
    const input: Record<string, unknown> = { workspaceId };
    if (options.lastEventId !== undefined) input.lastEventId = options.lastEventId;
    let url = `${origin}/trpc/activity.onEvent?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`;
    if (options.connectionParamsToken) {
      url += `&connectionParams=${encodeURIComponent(JSON.stringify({ token: options.connectionParamsToken }))}`;
    }
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.lastEventIdHeader) headers['last-event-id'] = options.lastEventIdHeader;
    let connected!: () => void;
    this.#connected = new Promise((resolve) => (connected = resolve));
    this.#idsOnly = options.idsOnly === true;
    this.#ended = this.#read(url, headers, connected);
  }

  /** Resolves once the server said `connected` (or the stream was refused or ended). */
  connected(): Promise<void> {
    return this.#connected;
  }

  /** Resolves when the stream has ended, with how. */
  ended(): Promise<StreamEnd> {
    return this.#ended;
  }

  /** Waits until `count` events arrived (or rejects after `timeoutMs`). */
  async waitFor(count: number, timeoutMs: number): Promise<LiveEvent[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.events.length < count) {
      if (this.end)
        throw new Error(
          `stream ended (${JSON.stringify(this.end)}) after ${this.events.length} of ${count} events`,
        );
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`only ${this.events.length} of ${count} events within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.events.slice(0, count);
  }

  close(): void {
    this.#controller.abort();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  async #read(
    url: string,
    headers: Record<string, string>,
    connected: () => void,
  ): Promise<StreamEnd> {
    let end: StreamEnd = { how: 'closed' };
    try {
      const response = await fetch(url, { headers, signal: this.#controller.signal });
      this.status = response.status;
      if (response.status !== 200 || !response.body) {
        this.refusal = await response.json().catch(() => undefined);
        const code = (this.refusal as { error?: { json?: { data?: { code?: string } } } })?.error
          ?.json?.data?.code;
        end = { how: 'error', ...(code ? { code } : {}) };
        return end;
      }
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let boundary: number;
        while ((boundary = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, boundary);
          buffer = buffer.slice(boundary + 2);
          const event = parseEvent(block);
          if (!event) continue;
          if (event.event === 'connected') connected();
          else if (event.event === 'ping') this.pings += 1;
          else if (event.event === 'message' && event.id !== undefined) {
            const entry = this.#idsOnly
              ? (undefined as never)
              : superjson.deserialize<LiveEvent['entry']>(parseWire(event.data));
            this.events.push({ id: event.id, entry, receivedAt: Date.now() });
            this.#wake();
          } else if (event.event === 'serialized-error') {
            const error = superjson.deserialize<{ message?: string; data?: { code?: string } }>(
              parseWire(event.data),
            );
            end = {
              how: 'error',
              ...(error.data?.code ? { code: error.data.code } : {}),
              ...(error.message ? { message: error.message } : {}),
            };
          } else if (event.event === 'return') {
            end = { how: 'return' };
          }
        }
      }
      return end;
    } catch {
      return end;
    } finally {
      this.end = end;
      connected();
      this.#wake();
    }
  }
}

type Wire = Parameters<typeof superjson.deserialize>[0];
const parseWire = (text: string) => JSON.parse(text) as Wire;

function parseEvent(block: string): SseEvent | undefined {
  const event: SseEvent = { event: 'message', data: '' };
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event.event = value;
    else if (field === 'id') event.id = value;
    else if (field === 'data') data.push(value);
  }
  event.data = data.join('\n');
  return data.length || event.event !== 'message' ? event : undefined;
}
