/** One event of a `text/event-stream`, as a client dispatches it. */
export interface ServerSentEvent {
  /** The `id:` field, null when the event had none. */
  readonly id: string | null;
  /** The `event:` field, `message` when absent. */
  readonly event: string;
  readonly data: string;
}

/** What {@link EventStreamReader.open} sends. */
export interface OpenStreamOptions {
  /** Sent as `Authorization: Bearer`; null sends none. */
  readonly token: string | null;
  /** Sent as `Last-Event-ID`. */
  readonly lastEventId?: string;
}

/**
 * A fetch-based reader of a `text/event-stream` response, as a dashboard would use (the
 * token in a header, which browsers' `EventSource` cannot send): parses the events,
 * `retry:` and comment lines as they arrive.
 *
 * @example
 * ```ts
 * const stream = await EventStreamReader.open(`${base}/events/stream`, { token });
 * const [first] = await stream.take(1);
 * stream.close();
 * ```
 */
export class EventStreamReader {
  readonly response: Response;
  /** Comment lines received (`: keep-alive` → `keep-alive`). */
  readonly comments: string[] = [];
  /** The last `retry:` value received. */
  retry: number | null = null;
  /** True once the body ended (or the connection was cut). */
  ended = false;
  readonly #controller: AbortController;
  readonly #reader: ReadableStreamDefaultReader<Uint8Array> | null;
  readonly #decoder = new TextDecoder();
  readonly #events: ServerSentEvent[] = [];
  #buffer = '';
  #pending: Promise<void> | null = null;

  private constructor(response: Response, controller: AbortController) {
    this.response = response;
    this.#controller = controller;
    this.#reader = response.body?.getReader() ?? null;
  }

  /** Opens the stream; resolves once the response's headers arrived. */
  static async open(url: string, options: OpenStreamOptions): Promise<EventStreamReader> {
    const controller = new AbortController();
    const response = await fetch(url, {
      headers: {
        accept: 'text/event-stream',
        ...(options.token === null ? {} : { authorization: `Bearer ${options.token}` }),
        ...(options.lastEventId === undefined ? {} : { 'last-event-id': options.lastEventId }),
      },
      signal: controller.signal,
    });
    return new EventStreamReader(response, controller);
  }

  /** The next `count` events; throws when they have not all come within `timeoutMs`. */
  async take(count: number, timeoutMs = 3000): Promise<ServerSentEvent[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.#events.length < count) {
      if (this.ended) {
        throw new Error(`the stream ended after ${this.#events.length} of ${count} events`);
      }
      const left = deadline - Date.now();
      if (left <= 0 || !(await this.#readFor(left))) {
        throw new Error(`${this.#events.length} of ${count} events came in ${timeoutMs} ms`);
      }
    }
    return this.#events.splice(0, count);
  }

  /** Every event received within `ms` (and none is waited for longer). */
  async collectFor(ms: number): Promise<ServerSentEvent[]> {
    const deadline = Date.now() + ms;
    while (!this.ended && Date.now() < deadline) await this.#readFor(deadline - Date.now());
    return this.#events.splice(0);
  }

  /** Reads until the body ends (or the connection is cut); returns the events received. */
  async readToEnd(timeoutMs = 10_000): Promise<ServerSentEvent[]> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) {
      const left = deadline - Date.now();
      if (left <= 0 || !(await this.#readFor(left))) {
        throw new Error(`the stream did not end within ${timeoutMs} ms`);
      }
    }
    return this.#events.splice(0);
  }

  /** Waits for the comments to include `comment`. */
  async comment(comment: string, timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.comments.includes(comment)) {
      const left = deadline - Date.now();
      if (this.ended || left <= 0 || !(await this.#readFor(left))) {
        throw new Error(`no "${comment}" comment came in ${timeoutMs} ms`);
      }
    }
  }

  /** Disconnects. */
  close(): void {
    this.#controller.abort();
  }

  /** Reads one chunk, or waits `ms`: true when a chunk came (or the stream ended). */
  async #readFor(ms: number): Promise<boolean> {
    this.#pending ??= this.#readChunk().finally(() => {
      this.#pending = null;
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => {
        resolve(false);
      }, ms);
    });
    try {
      return await Promise.race([this.#pending.then(() => true as const), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async #readChunk(): Promise<void> {
    if (this.#reader === null) {
      this.ended = true;
      return;
    }
    try {
      const { value, done } = await this.#reader.read();
      if (done) {
        this.ended = true;
        return;
      }
      this.#parse(this.#decoder.decode(value, { stream: true }));
    } catch {
      // Cut off by the server, or closed here.
      this.ended = true;
    }
  }

  #parse(text: string): void {
    this.#buffer += text;
    let end = this.#buffer.indexOf('\n\n');
    while (end !== -1) {
      const block = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      this.#dispatch(block);
      end = this.#buffer.indexOf('\n\n');
    }
  }

  #dispatch(block: string): void {
    let id: string | null = null;
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        this.comments.push(line.slice(1).trim());
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') id = value;
      else if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'retry') this.retry = Number(value);
    }
    if (data.length > 0) this.#events.push({ id, event, data: data.join('\n') });
  }
}
