// A client that does not read: the server holds a bounded amount for it, ends its stream with a
// last event saying why, cuts it when even that cannot go out, and keeps serving everyone else.
import { createServer, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SseStream, type SseOverflow } from '../../src/admin/sse-stream.js';

const EVENT = `event: transition\ndata: ${JSON.stringify({ pad: 'x'.repeat(300) })}\n\n`;
const LIMIT = 64 * 1024;

let server: Server | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** A server whose /stream pumps events as fast as it can until its SseStream ends; /health answers. */
async function start(endGraceMs: number) {
  let maxHeld = 0;
  const done = { overflow: undefined as SseOverflow | undefined, closed: false, stream: undefined as SseStream | undefined, res: undefined as ServerResponse | undefined };
  server = createServer((req, res) => {
    if (req.url === '/health') return void res.end('ok');
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const stream = new SseStream(res, { maxQueuedBytes: LIMIT, endGraceMs }, (o) => (done.overflow = o));
    Object.assign(done, { stream, res });
    res.on('close', () => (done.closed = true));
    const pump = () => {
      for (let i = 0; i < 200 && !stream.closed; i++) {
        stream.write(EVENT);
        maxHeld = Math.max(maxHeld, res.writableLength + stream.queuedBytes);
      }
      if (!stream.closed) setImmediate(pump);
    };
    pump();
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { port, done, maxHeld: () => maxHeld };
}

/** Opens /stream on a raw socket and reads nothing (paused): the kernel's buffers fill, then node's. */
function stalledClient(port: number): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write('GET /stream HTTP/1.1\r\nHost: x\r\n\r\n');
      socket.pause();
      resolve(socket);
    });
    sockets.push(socket);
  });
}

const until = async (what: () => boolean, ms = 20_000) => {
  const deadline = Date.now() + ms;
  while (!what() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(what()).toBe(true);
};

describe('SseStream', () => {
  it('holds at most its bound for a client that does not read, then ends the stream with an end event', async () => {
    const { port, done, maxHeld } = await start(10_000);
    const socket = await stalledClient(port);
    await until(() => done.overflow !== undefined);
    // Node's own buffer (its high-water mark and one backlog write) plus the queue: never megabytes.
    expect(maxHeld()).toBeLessThanOrEqual(2 * LIMIT + done.res!.writableHighWaterMark + EVENT.length);
    expect(done.overflow).toMatchObject({ maxQueuedBytes: LIMIT });
    expect(done.overflow!.queuedBytes).toBeGreaterThan(LIMIT);
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    // Once the client reads again, the last thing it gets is why the stream ended.
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.resume();
    await until(() => text.includes('event: end'));
    const last = text.slice(text.lastIndexOf('event: end'));
    expect(JSON.parse(last.split('\n')[1]!.slice('data: '.length))).toMatchObject({ reason: 'too-slow', maxQueuedBytes: LIMIT });
    await until(() => done.closed);
  }, 30_000);

  it('cuts a client that never reads even the end event once the grace period is over', async () => {
    const { port, done } = await start(100);
    await stalledClient(port);
    await until(() => done.overflow !== undefined);
    await until(() => done.closed, 2_000);
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
  }, 30_000);
});
