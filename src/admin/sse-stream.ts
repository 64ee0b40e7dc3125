// One client's server-sent-events stream, with backpressure. Node buffers whatever a response is
// given, so a client that reads slower than events come would make the server hold an ever longer
// tail of them. Once the socket is full (write() returned false) events wait in a queue until
// 'drain'; past a bound the stream is ended with a last `event: end` saying why, and cut if even
// that cannot be flushed within a grace period. What the server holds per client is then at most
// the socket's high-water mark, the bound and that last event.
import type { ServerResponse } from 'node:http';

export interface SseLimits {
  /** Bytes of events queued for a client that reads slower than they come; past it the stream ends. */
  maxQueuedBytes: number;
  /** Real time the last event of an ended stream may take to go out before the connection is cut. */
  endGraceMs: number;
}

// 8 MiB: about 25,000 transitions, so even a clock move that ends that many runs at once reaches a client
// that reads; what one slow client can make the server hold stays a few megabytes.
export const DEFAULT_SSE_LIMITS: SseLimits = { maxQueuedBytes: 8 * 1024 * 1024, endGraceMs: 5000 };

export interface SseOverflow {
  /** Bytes queued when the bound was passed (events the client will not get). */
  queuedBytes: number;
  /** Bytes node still held for the socket then. */
  bufferedBytes: number;
  maxQueuedBytes: number;
}

export class SseStream {
  private queue: string[] = [];
  private queued = 0;
  private blocked = false;
  private ended = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly limits: SseLimits,
    private readonly onOverflow: (overflow: SseOverflow) => void,
  ) {
    res.on('drain', this.flush);
  }

  /** Bytes waiting for the socket to drain. */
  get queuedBytes(): number {
    return this.queued;
  }

  get closed(): boolean {
    return this.ended;
  }

  /** Sends now, or queues while the socket is full; ends the stream once the queue passes its bound. */
  write(chunk: string): void {
    if (this.ended) return;
    if (!this.blocked) return void (this.blocked = !this.res.write(chunk));
    this.queue.push(chunk);
    this.queued += Buffer.byteLength(chunk);
    if (this.queued > this.limits.maxQueuedBytes) this.overflow();
  }

  /** A comment to keep proxies from closing an idle stream: pointless, so skipped, while it is backed up. */
  keepalive(): void {
    if (!this.blocked) this.write(': keepalive\n\n');
  }

  /** The client went away: nothing more is sent. */
  close(): void {
    this.ended = true;
    this.queue = [];
    this.queued = 0;
  }

  private readonly flush = (): void => {
    if (this.ended) return;
    this.blocked = false;
    if (this.queue.length === 0) return;
    // One write for the whole backlog: fewer, larger chunks for a client that is catching up.
    const text = this.queue.join('');
    this.queue = [];
    this.queued = 0;
    this.blocked = !this.res.write(text);
  };

  private overflow(): void {
    const overflow: SseOverflow = {
      queuedBytes: this.queued,
      bufferedBytes: this.res.writableLength,
      maxQueuedBytes: this.limits.maxQueuedBytes,
    };
    this.close();
    const data = {
      reason: 'too-slow',
      detail: `the client fell more than ${overflow.maxQueuedBytes} bytes of events behind`,
      ...overflow,
    };
    this.res.end(`event: end\ndata: ${JSON.stringify(data)}\n\n`);
    // A client that reads nothing never takes that last event: cut it rather than hold it forever.
    const cut = setTimeout(() => this.res.destroy(), this.limits.endGraceMs);
    cut.unref();
    this.res.once('close', () => clearTimeout(cut));
    this.onOverflow(overflow);
  }
}
