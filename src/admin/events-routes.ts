// GET /__flowtwin/events: a server-sent-events stream of every instance transition. While anyone
// listens, the hub is ticked often (and at once after writes and clock moves), so "instance X
// reached CANCELED" arrives without polling the vendor API. A client that cannot keep up is not
// buffered for without end: its stream ends with `event: end` (SseStream) and the server logs it.
import type { Request, Router } from 'express';
import type { EventHub, TransitionEvent } from '../engine/events.js';
import { DEFAULT_SSE_LIMITS, SseStream, type SseLimits } from './sse-stream.js';

const TICK_MS = 200;
const KEEPALIVE_MS = 15_000;

export interface EventStreamOptions extends Partial<SseLimits> {
  /** Where a stream ended for a slow client is reported; stderr by default. */
  log?: (line: string) => void;
}

export function mountEvents(
  router: Router,
  hub: EventHub,
  tenantOf: (req: Request) => Promise<string | undefined>,
  options: EventStreamOptions = {},
): void {
  const limits: SseLimits = {
    maxQueuedBytes: options.maxQueuedBytes ?? DEFAULT_SSE_LIMITS.maxQueuedBytes,
    endGraceMs: options.endGraceMs ?? DEFAULT_SSE_LIMITS.endGraceMs,
  };
  const log = options.log ?? ((line: string) => console.error(line));
  let timer: NodeJS.Timeout | undefined;
  const ensureTicking = () => {
    if (!timer && hub.subscribers > 0) timer = setInterval(() => hub.tick(), TICK_MS);
    if (timer && hub.subscribers === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  };

  router.get('/events', async (req, res) => {
    const vendor = typeof req.query.vendor === 'string' ? req.query.vendor : undefined;
    const instance = typeof req.query.instance === 'string' ? req.query.instance : undefined;
    // With a vendor's credentials, only that tenant's transitions: one suite cannot watch another's.
    const tenant = await tenantOf(req);
    const head = () =>
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
    // HEAD has no body to stream: Node would hold the headers back until an end that never came.
    if (req.method === 'HEAD') return void head().end();
    let unsubscribe: (() => void) | undefined;
    let keepalive: NodeJS.Timeout | undefined;
    let closed = false;
    const stop = () => {
      closed = true;
      unsubscribe?.();
      clearInterval(keepalive);
      ensureTicking();
    };
    req.on('close', stop);
    const stream = new SseStream(res, limits, (o) => {
      stop();
      log(
        `flowtwin: event stream to ${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'} ` +
          'ended: the client fell behind ' +
          `(${o.queuedBytes} bytes queued, limit ${o.maxQueuedBytes}; ${o.bufferedBytes} bytes in the socket's buffer)`,
      );
    });
    // Headers go out once the hub watches what the stream covers (a client's open() resolves on
    // them), or with the first event if one comes sooner.
    const open = () => {
      if (res.headersSent) return;
      head();
      stream.write(': flowtwin transition events\n\n');
    };
    let seq = 0;
    const send = (e: TransitionEvent) => {
      if (
        (vendor && e.vendor !== vendor) ||
        (instance && e.instanceId !== instance) ||
        (tenant !== undefined && e.tenant !== tenant)
      )
        return;
      open();
      stream.write(`id: ${++seq}\nevent: transition\ndata: ${JSON.stringify(e)}\n\n`);
    };
    unsubscribe = await hub.subscribe(send, tenant);
    if (closed) return stop();
    req.on('close', () => stream.close());
    open();
    keepalive = setInterval(() => stream.keepalive(), KEEPALIVE_MS);
    ensureTicking();
  });
}
