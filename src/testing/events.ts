// The client side of GET /__flowtwin/events: server-sent events parsed into transitions, queued in
// arrival order, and taken with next(predicate). A stream is listening once open() has resolved,
// so a transition caused after that is never missed.
import type { TransitionEvent } from './types.js';

export interface EventFilter {
  vendor?: string;
  /** Only this instance's transitions. */
  instance?: string;
}

export interface NextOptions {
  /** Default 10 000 ms of real time. */
  timeoutMs?: number;
}

/** Events kept unread before the oldest are dropped, so a forgotten stream cannot grow without end. */
const MAX_QUEUED = 10_000;
const DEFAULT_TIMEOUT_MS = 10_000;

const describe = (e: TransitionEvent) =>
  `${e.vendor} ${e.instanceId} ${e.from ?? '(new)'} -> ${e.to} (${e.cause}) at ${e.at}`;

export class EventStream implements AsyncIterable<TransitionEvent>, AsyncDisposable {
  private readonly queue: TransitionEvent[] = [];
  private readonly waiters = new Set<() => void>();
  private ended: Error | undefined;
  /** Why the server ended the stream, from its last `event: end`. */
  private endedBecause: string | undefined;
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly reading: Promise<void>;

  constructor(
    body: ReadableStream<Uint8Array>,
    private readonly abort: () => void,
    private readonly onClose: (stream: EventStream) => void,
  ) {
    this.reader = body.getReader();
    this.reading = this.read();
  }

  private wake(): void {
    for (const waiter of this.waiters) waiter();
    this.waiters.clear();
  }

  private more(): Promise<void> {
    return new Promise((resolve) => this.waiters.add(resolve));
  }

  private async read(): Promise<void> {
    const decoder = new TextDecoder();
    let text = '';
    try {
      for (;;) {
        const { done, value } = await this.reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = text.search(/\r?\n\r?\n/)) >= 0) {
          const block = text.slice(0, end);
          text = text.slice(end).replace(/^\r?\n\r?\n/, '');
          this.take(block);
        }
      }
      this.finish(
        new Error(
          `the event stream ended${this.endedBecause !== undefined ? ` by the server: ${this.endedBecause}` : ''}`,
        ),
      );
    } catch (err) {
      this.finish(new Error(`the event stream failed: ${(err as Error).message}`));
    }
  }

  private take(block: string): void {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith(':')) continue;
      const [field, ...rest] = line.split(':');
      const value = rest.join(':').replace(/^ /, '');
      if (field === 'event') event = value;
      if (field === 'data') data.push(value);
    }
    // The server ended the stream (the client fell too far behind): say so when it closes.
    if (event === 'end' && data.length > 0)
      return void (this.endedBecause = (JSON.parse(data.join('\n')) as { detail?: string }).detail);
    if (event !== 'transition' || data.length === 0) return;
    this.queue.push(JSON.parse(data.join('\n')) as TransitionEvent);
    if (this.queue.length > MAX_QUEUED) this.queue.shift();
    this.wake();
  }

  private finish(reason: Error): void {
    this.ended ??= reason;
    this.wake();
  }

  /**
   * The next transition that satisfies `predicate` (any when absent); transitions before it are
   * consumed. Rejects after `timeoutMs`, naming the transitions it saw instead.
   */
  async next(
    predicate: (event: TransitionEvent) => boolean = () => true,
    { timeoutMs = DEFAULT_TIMEOUT_MS }: NextOptions = {},
  ): Promise<TransitionEvent> {
    const skipped: TransitionEvent[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      this.wake();
    }, timeoutMs);
    try {
      for (;;) {
        const event = this.queue.shift();
        if (event && predicate(event)) return event;
        if (event) {
          skipped.push(event);
          continue;
        }
        const seen = skipped.length
          ? `; saw ${skipped.length}:\n${skipped
              .slice(-20)
              .map((e) => `  ${describe(e)}`)
              .join('\n')}`
          : '; saw none';
        if (timedOut) throw new Error(`no matching transition within ${timeoutMs} ms${seen}`);
        if (this.ended) throw new Error(`${this.ended.message} before a matching transition${seen}`);
        await this.more();
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /** The next transition of `instanceId` to `to` (or one of several statuses). */
  waitFor({
    instanceId,
    to,
    ...options
  }: { instanceId: string; to: string | string[] } & NextOptions): Promise<TransitionEvent> {
    const targets = Array.isArray(to) ? to : [to];
    return this.next((e) => e.instanceId === instanceId && targets.includes(e.to), options);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<TransitionEvent> {
    for (;;) {
      const event = this.queue.shift();
      if (event) {
        yield event;
        continue;
      }
      if (this.ended) return;
      await this.more();
    }
  }

  /** Leaves the stream; waiting next() calls reject. */
  async close(): Promise<void> {
    this.finish(new Error('the event stream was closed'));
    this.abort();
    await this.reader.cancel().catch(() => undefined);
    this.onClose(this);
    await this.reading;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
