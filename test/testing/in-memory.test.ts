// The in-memory HTTP path interceptVendors answers through: requests reach a node:http listener as
// bytes off a socket would, and responses come back with their framing undone.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ConnectionClosedError } from '../../src/testing/http-reader.js';
import { memoryHttp, type MemoryResponse } from '../../src/testing/in-memory.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;
/** A listener that reads the whole request body before handing it to `handler`. */
const app = (handler: Handler) => (req: IncomingMessage, res: ServerResponse) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => handler(req, res, Buffer.concat(chunks)));
};
const text = async (res: MemoryResponse) => {
  const chunks: Buffer[] = [];
  for await (const c of res.body) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
};
const get = (target = '/', method = 'GET') => ({ method, target, headers: [['host', 'api.datadoghq.com'] as [string, string]] });

describe('in-memory HTTP', () => {
  it('delivers method, target, raw headers and body bytes as sent', async () => {
    let seen: { method?: string; url?: string; raw: string[]; body: string; protocol: boolean } = { raw: [], body: '', protocol: false };
    const http = memoryHttp(
      app((req, res, body) => {
        seen = { method: req.method, url: req.url, raw: req.rawHeaders, body: body.toString('hex'), protocol: (req.socket as unknown as { encrypted: boolean }).encrypted };
        res.end('ok');
      }),
    );
    const body = Buffer.from('{"name": "Blöck ✓"}\n', 'utf8');
    const res = await http.request({
      method: 'POST',
      target: '/v1/x?limit=10&name=a%20b',
      headers: [['host', 'secmaster.cn-north-4.myhuaweicloud.com'], ['X-Sdk-Date', '20260101T000000Z'], ['content-type', 'application/json'], ['connection', 'keep-alive']],
      body,
      https: true,
    });
    expect(await text(res)).toBe('ok');
    expect(seen).toEqual({
      method: 'POST',
      url: '/v1/x?limit=10&name=a%20b',
      raw: ['host', 'secmaster.cn-north-4.myhuaweicloud.com', 'X-Sdk-Date', '20260101T000000Z', 'content-type', 'application/json', 'content-length', String(body.length)],
      body: body.toString('hex'),
      protocol: true,
    });
  });

  it('undoes Content-Length and chunked framing, chunk by chunk', async () => {
    const http = memoryHttp((req, res) => {
      if (req.url === '/sized') return void res.writeHead(200, { 'content-length': '11' }).end('hello world');
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('hello ');
      setTimeout(() => res.end('world'), 5);
    });
    const sized = await http.request(get('/sized'));
    expect(sized.headers).toContainEqual(['content-length', '11']);
    expect(await text(sized)).toBe('hello world');
    const chunked = await http.request(get('/chunked'));
    expect(chunked.headers).toContainEqual(['Transfer-Encoding', 'chunked']);
    const pieces: string[] = [];
    for await (const c of chunked.body) pieces.push(c.toString());
    expect(pieces).toEqual(['hello ', 'world']);
  });

  it('reads no body for HEAD, 204 and 304', async () => {
    const http = memoryHttp((req, res) => {
      const status = Number(req.url!.slice(1)) || 200;
      res.writeHead(status, { 'content-length': '5' }).end(req.method === 'HEAD' || status !== 200 ? undefined : 'hello');
    });
    expect(await text(await http.request(get('/', 'HEAD')))).toBe('');
    expect(await text(await http.request(get('/204')))).toBe('');
    expect(await text(await http.request(get('/304')))).toBe('');
    expect(await text(await http.request(get('/')))).toBe('hello');
  });

  it('reports a connection closed before an answer, or inside the body', async () => {
    const http = memoryHttp((req, res) => {
      if (req.url === '/drop') return void req.socket.destroy();
      res.writeHead(200, { 'content-length': '10' });
      res.write('hello', () => res.socket?.destroy());
    });
    await expect(http.request(get('/drop'))).rejects.toThrow(new ConnectionClosedError('flowtwin closed the connection without answering'));
    const cut = await http.request(get('/cut'));
    expect(cut.status).toBe(200);
    await expect(text(cut)).rejects.toThrow('flowtwin closed the connection 5 bytes short of its Content-Length');
  });

  it('fetch() gives a Response, null-bodied where HTTP says so, and refuses header injection', async () => {
    const http = memoryHttp((req, res) => void res.writeHead(req.url === '/none' ? 204 : 200, { 'x-seen': String(req.headers['x-a']) }).end(req.url === '/none' ? undefined : 'body'));
    const res = await http.fetch('/', { headers: { 'x-a': '1' } });
    expect([res.status, res.headers.get('x-seen'), await res.text()]).toEqual([200, '1', 'body']);
    const none = await http.fetch('/none', { method: 'DELETE' });
    expect([none.status, none.body]).toEqual([204, null]);
    await expect(http.fetch('/', { headers: { 'x-a': 'one\r\nx-b: two' } })).rejects.toThrow(/line break/);
  });
});
