// createFlowtwin gives the same routes twice: `handler` (node's listener, vendor requests answered
// before express) and `app` (an express app to mount). Both must answer alike.
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { DD_KEYS, testFlowtwin, workflowBody } from '../support/flowtwin.js';

describe('the node handler and the express app', () => {
  it('answer vendor requests, unknown vendor paths, bad queries and the control plane alike', async () => {
    const ft = await testFlowtwin();
    const viaHandler = supertest(ft.handler);
    const viaApp = supertest(ft.app);
    const created = await viaHandler.post('/api/v2/workflows').set(DD_KEYS).send(workflowBody());
    expect(created.status).toBe(201);
    const requests: [string, string, Record<string, string>][] = [
      ['get', `/api/v2/workflows/${created.body.data.id}`, DD_KEYS],
      ['get', '/api/v2/workflows?page%5Bsize%5D=1&page%5Bsize%5D=2', DD_KEYS],
      ['get', '/api/v2/workflows?page[size]=-1&x=%ZZ', DD_KEYS],
      ['get', '/api/v2/workflows/nope/instances/%E0%A4%A', DD_KEYS],
      ['get', '/api/v2/nothing-here', DD_KEYS],
      ['delete', '/api/v2/workflows', DD_KEYS],
      ['get', '/api/v2/workflows', {}],
      ['get', '/__flowtwin/health', {}],
      ['get', '/not-a-route', {}],
    ];
    for (const [method, path, headers] of requests) {
      const [a, b] = [await viaHandler[method as 'get'](path).set(headers), await viaApp[method as 'get'](path).set(headers)];
      expect({ path, status: a.status, body: a.body, type: a.headers['content-type'] }).toEqual({ path, status: b.status, body: b.body, type: b.headers['content-type'] });
    }
    // The journal saw each vendor request twice, with the query read the same way.
    const lists = (await ft.journal.query({ operation: 'ListWorkflows' })).map((e) => ({ query: e.query, status: e.status }));
    expect(lists).toEqual([
      { query: { 'page[size]': ['1', '2'] }, status: lists[0]!.status },
      { query: { 'page[size]': ['1', '2'] }, status: lists[0]!.status },
      { query: { 'page[size]': '-1', x: '%ZZ' }, status: 200 },
      { query: { 'page[size]': '-1', x: '%ZZ' }, status: 200 },
      { query: {}, status: 403 },
      { query: {}, status: 403 },
    ]);
  });

  it('answers a request in absolute form, as a client using flowtwin as its HTTP proxy sends it', async () => {
    const ft = await testFlowtwin();
    const server = createServer(ft.handler).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: 'http://api.datadoghq.com/api/v2/workflows?page%5Bsize%5D=1', headers: DD_KEYS }, (res) => {
          let body = '';
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject({ data: [], meta: { page: { totalCount: 0 } } });
      expect((await ft.journal.query({ operation: 'ListWorkflows' }))[0]).toMatchObject({ path: '/api/v2/workflows', query: { 'page[size]': '1' } });
    } finally {
      server.close();
    }
  });
});
