// GET /__flowtwin/events to a client that does not read: a burst of transitions (a clock move
// finishing many runs) ends that stream with `event: end`, logs it, and leaves the server serving.
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { serve, type RunningFlowtwin } from '../../src/serve.js';
import { MemoryStore } from '../../src/store/memory.js';
import { DD_KEYS, T0, workflowBody } from '../support/flowtwin.js';
import { validateSchema } from './control-spec.js';

const RUNS = 2000;
const END_SCHEMA = '/paths/~1__flowtwin~1events/get/responses/200/content/text~1event-stream/schema/x-end-event-data';
let ft: RunningFlowtwin | undefined;
let socket: Socket | undefined;
afterEach(async () => {
  socket?.destroy();
  await ft?.stop();
  ft = undefined;
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${ft!.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

/** GET /__flowtwin/events with the tenant's keys on a raw socket, paused once the head is in. */
function openStream(url: string): Promise<{ socket: Socket; head: string }> {
  return new Promise((resolve) => {
    const s = connect(Number(new URL(url).port), '127.0.0.1', () => {
      const auth = Object.entries(DD_KEYS).map(([k, v]) => `${k}: ${v}\r\n`).join('');
      s.write(`GET /__flowtwin/events HTTP/1.1\r\nHost: x\r\n${auth}\r\n`);
    });
    s.once('data', (chunk) => {
      s.pause();
      resolve({ socket: s, head: chunk.toString() });
    });
  });
}

describe('control plane: events to a client that does not read', () => {
  it('ends its stream with an end event and a log line, keeps its buffer bounded and keeps serving', async () => {
    const logs: string[] = [];
    const store = new MemoryStore();
    ft = await serve({ port: 0, now: () => T0, store, eventStream: { maxQueuedBytes: 64 * 1024, endGraceMs: 60_000, log: (l) => logs.push(l) } });
    ft.clock.freeze();
    const wf = (await (await post('/api/v2/workflows', workflowBody({ sleepSeconds: 10 }), DD_KEYS)).json()) as { data: { id: string } };
    const run = ((await (await post(`/api/v2/workflows/${wf.data.id}/instances`, {}, DD_KEYS)).json()) as { data: { id: string } }).data.id;
    // Many runs of the same workflow, written straight to the store: the stream's first read finds them.
    const listed = (await (await fetch(`${ft.url}/__flowtwin/instances?vendor=datadog`)).json()) as { instances: { tenant: string }[] };
    const tenant = listed.instances[0]!.tenant;
    const record = (await store.get('datadog.instance', tenant, run))!;
    for (let i = 0; i < RUNS; i++) await store.create({ ...record, id: `run-${i}`, data: structuredClone(record.data) });

    const stalled = await openStream(ft.url);
    socket = stalled.socket;
    const head = stalled.head;
    expect(head).toMatch(/^HTTP\/1.1 200/);
    // All the runs end at once: far more than the client's 64 KB, in one tick.
    expect((await post('/__flowtwin/clock/advance', { ms: 11_000 })).status).toBe(200);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/event stream to .* ended: the client fell behind \(\d+ bytes queued, limit 65536; \d+ bytes in the socket's buffer\)/);
    const buffered = Number(/; (\d+) bytes in the socket's buffer/.exec(logs[0]!)![1]);
    expect(buffered).toBeLessThan(64 * 1024 + 16 * 1024 + 1024);
    // The server is healthy, and a new stream opens.
    expect((await fetch(`${ft.url}/__flowtwin/health`)).status).toBe(200);
    const again = await openStream(ft.url);
    expect(again.head).toMatch(/^HTTP\/1.1 200[^]*: flowtwin transition events/);
    again.socket.destroy();
    // What the client reads once it reads again ends with why the stream ended.
    let text = head;
    socket!.setEncoding('utf8');
    socket!.on('data', (chunk: string) => (text += chunk));
    socket!.resume();
    const deadline = Date.now() + 5000;
    while (!text.includes('event: end') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const end = text.slice(text.indexOf('event: end')).split('\n')[1]!;
    const data = JSON.parse(end.slice('data: '.length)) as unknown;
    expect(data).toMatchObject({ reason: 'too-slow', maxQueuedBytes: 64 * 1024 });
    expect(validateSchema(END_SCHEMA, data)).toEqual([]);
    expect(text.split('event: transition').length - 1).toBeLessThan(RUNS);
  }, 60_000);
});
