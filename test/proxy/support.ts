// A stand-in upstream (node:http on 127.0.0.1, answering what each test says and keeping what it
// received), a raw HTTP client that controls header case, order and repeats, and a proxy whose
// log lines a test reads. Nothing here talks to anything but loopback.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import { startProxy, type ProxyOptions, type RunningProxy } from '../../src/proxy/server.js';

export interface Received {
  method: string;
  url: string;
  rawHeaders: string[];
  body: Buffer;
}

export interface Answer {
  status: number;
  statusText?: string;
  /** Raw, as sent: [name, value, ...]. */
  headers?: string[];
  body?: string | Buffer;
}

export interface StandIn {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

export function onCleanup(fn: () => Promise<unknown>): void {
  cleanups.push(fn);
}

/** `answer` returns what to send, or handles `res` itself (to break off mid-body) and returns undefined. */
export async function standIn(answer: (req: Received, res: http.ServerResponse) => Answer | undefined | Promise<Answer | undefined>): Promise<StandIn> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const got = { method: req.method!, url: req.url!, rawHeaders: req.rawHeaders, body: Buffer.concat(chunks) };
      received.push(got);
      const a = await answer(got, res);
      if (!a) return;
      // Exactly the headers the test names: no Date or Connection added by Node.
      res.sendDate = false;
      const body = a.body === undefined ? Buffer.alloc(0) : Buffer.from(a.body);
      const headers = a.headers ?? [];
      const sized = headers.some((h, i) => i % 2 === 0 && h.toLowerCase() === 'content-length') ? headers : [...headers, 'Content-Length', String(body.length)];
      res.writeHead(a.status, a.statusText ?? http.STATUS_CODES[a.status] ?? '', sized);
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  cleanups.push(close);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, close };
}

export interface TestProxy extends RunningProxy {
  /** Every line the proxy logged (stderr in the CLI). */
  lines: string[];
  /** Lines logged so far, once every exchange is judged. */
  settledLines(): Promise<string[]>;
}

export async function proxyTo(upstream: string, options: Partial<ProxyOptions> = {}): Promise<TestProxy> {
  const lines: string[] = [];
  const proxy = await startProxy({ upstream, port: 0, log: (l) => lines.push(l), ...options });
  cleanups.push(() => proxy.stop());
  return {
    ...proxy,
    lines,
    settledLines: async () => {
      await proxy.settled();
      return [...lines];
    },
  };
}

export interface RawResponse {
  status: number;
  statusText: string;
  rawHeaders: string[];
  body: Buffer;
}

/** One request over a fresh connection, headers sent exactly as given. */
export function send(base: string, method: string, path: string, headers: string[] = [], body?: string | Buffer): Promise<RawResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    // Node adds no Host to headers given raw, and a server refuses HTTP/1.1 without one.
    const withHost = headers.some((h, i) => i % 2 === 0 && h.toLowerCase() === 'host') ? headers : ['Host', url.host, ...headers];
    const req = http.request({ hostname: url.hostname, port: url.port, method, path, headers: withHost, agent: false });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, statusText: res.statusMessage!, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Raw headers without the ones each hop sets for itself. */
export function endToEndOnly(raw: string[]): string[] {
  const hop = new Set(['connection', 'keep-alive', 'transfer-encoding']);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (!hop.has(raw[i]!.toLowerCase())) out.push(raw[i]!, raw[i + 1]!);
  return out;
}

export const WF = 'ccf73164-1998-4785-a7a3-8d06c7e5f558';
export const PROJECT = '0123456789abcdef0123456789abcdef';
export const WS = '7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b';
export const SM_BASE = `/v1/${PROJECT}/workspaces/${WS}/soc/playbooks`;

/** A GetWorkflow body that keeps every promise of the spec. */
export function workflowDocument(attributes: Record<string, unknown> = {}) {
  const user = { data: { id: '3ad549bf-eba0-11e9-a77a-0705486660d0', type: 'users' } };
  return {
    data: {
      id: WF,
      type: 'workflows',
      attributes: {
        createdAt: '2026-06-01T20:36:33.514948Z',
        description: '',
        name: 'Restart service',
        published: true,
        spec: { triggers: [{ startStepNames: ['Sleep'], apiTrigger: {} }], steps: [{ name: 'Sleep', actionId: 'com.datadoghq.core.sleep', parameters: [{ name: 'durationSeconds', value: 300 }] }] },
        tags: [],
        updatedAt: '2026-06-01T20:36:33.514948Z',
        ...attributes,
      },
      relationships: { creator: user, owner: user },
    },
  };
}

export type { RunningProxy };
