// GET /__flowtwin/events: a server-sent-events stream of every instance transition. While anyone
// listens, the hub is ticked often (and at once after writes and clock moves), so "instance X
// reached CANCELED" arrives without polling the vendor API.
import type { Request, Router } from 'express';
import type { EventHub, TransitionEvent } from '../engine/events.js';

const TICK_MS = 200;
const KEEPALIVE_MS = 15_000;

export function mountEvents(router: Router, hub: EventHub, tenantOf: (req: Request) => Promise<string | undefined>): void {
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
    const head = () => res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
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
    // Headers go out once the hub watches what the stream covers (a client's open() resolves on
    // them), or with the first event if one comes sooner.
    const open = () => {
      if (res.headersSent) return;
      head();
      res.write(': flowtwin transition events\n\n');
    };
    let seq = 0;
    const send = (e: TransitionEvent) => {
      if ((vendor && e.vendor !== vendor) || (instance && e.instanceId !== instance) || (tenant !== undefined && e.tenant !== tenant)) return;
      open();
      res.write(`id: ${++seq}\nevent: transition\ndata: ${JSON.stringify(e)}\n\n`);
    };
    unsubscribe = await hub.subscribe(send, tenant);
    if (closed) return stop();
    open();
    keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
    ensureTicking();
  });
}
