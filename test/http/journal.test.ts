import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import supertest from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { createFlowtwin } from '../../src/http/app.js';
import { Journal, maskSecrets } from '../../src/http/journal.js';
import { MemoryStore } from '../../src/store/memory.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { DD_KEYS, T0, testFlowtwin, workflowBody } from '../support/flowtwin.js';

describe('maskSecrets', () => {
  it('masks secret-looking keys at any depth without touching the original', () => {
    const body = { auth: { identity: { password: { user: { name: 'u', password: 'hunter2' } } } }, list: [{ api_key: 'k' }, { ok: 1 }] };
    const copy = structuredClone(body);
    expect(maskSecrets(body)).toEqual({ auth: { identity: { password: '***' } }, list: [{ api_key: '***' }, { ok: 1 }] });
    expect(body).toEqual(copy);
  });

  it('hands back a body without secrets as it is, and shares the parts a masked copy did not change', () => {
    const body = { data: { attributes: { steps: [{ name: 'a' }] } }, meta: { token: 't' } };
    expect(maskSecrets({ data: body.data })).toEqual({ data: body.data });
    const plain = { data: body.data };
    expect(maskSecrets(plain)).toBe(plain);
    const masked = maskSecrets(body) as typeof body;
    expect(masked).not.toBe(body);
    expect(masked.data).toBe(body.data);
  });

  it('keeps a "__proto__" key as data in a masked copy', () => {
    const body = JSON.parse('{"__proto__": {"x": 1}, "secret": "s"}') as Record<string, unknown>;
    const masked = maskSecrets(body) as Record<string, unknown>;
    expect(Object.getPrototypeOf(masked)).toBe(Object.prototype);
    expect(JSON.stringify(masked)).toBe('{"__proto__":{"x":1},"secret":"***"}');
  });
});

describe('Journal', () => {
  const entry = (path: string) => ({ at: '2026-01-01T00:00:00.000Z', vendor: 'datadog', operationId: 'Op', method: 'GET', path, params: {}, query: {}, status: 200, durationMs: 1 });

  it('numbers entries from 1, keeps the newest `limit` of them, oldest first', async () => {
    const journal = new Journal(new MemoryStore(), 3);
    for (let i = 1; i <= 5; i++) await journal.record(entry(`/p${i}`));
    expect((await journal.query()).map((e) => [e.seq, e.path])).toEqual([
      [3, '/p3'],
      [4, '/p4'],
      [5, '/p5'],
    ]);
  });

  it('keeps each tenant its own newest `limit`, and merges every log by seq when no tenant is asked for', async () => {
    const journal = new Journal(new MemoryStore(), 2);
    const as = (tenant: string | undefined, path: string) => journal.record({ ...entry(path), ...(tenant !== undefined ? { tenant } : {}) });
    await as('a', '/a1');
    await as('a', '/a2');
    for (let i = 1; i <= 5; i++) await as('b', `/b${i}`);
    await as(undefined, '/anon1');
    await as('a', '/a3');
    expect((await journal.query({ tenant: 'a' })).map((e) => [e.seq, e.path])).toEqual([
      [2, '/a2'],
      [9, '/a3'],
    ]);
    expect((await journal.query()).map((e) => [e.seq, e.path])).toEqual([
      [2, '/a2'],
      [6, '/b4'],
      [7, '/b5'],
      [8, '/anon1'],
      [9, '/a3'],
    ]);
  });
});

describe('the journal across a crash', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowtwin-journal-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('holds each request in the SQLite file by the time its reply is written, and a restart reads them back', async () => {
    const file = join(dir, 'state.db');
    const ft = await testFlowtwin({ store: new SqliteStore(file) });
    // What a new process would find if this one died the instant a reply left: the file, read by another connection.
    const disk = new Database(file, { readonly: true });
    const onDisk = () => (disk.prepare("SELECT count(*) AS n FROM logs WHERE name = 'flowtwin.journal'").get() as { n: number }).n;
    const atReply: number[] = [];
    const crashOnReply = (req: IncomingMessage, res: ServerResponse) => {
      const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
      res.end = ((...args: unknown[]) => (atReply.push(onDisk()), end(...args))) as ServerResponse['end'];
      return ft.handler(req, res);
    };
    const http = supertest(crashOnReply);
    const wf = await http.post('/api/v2/workflows').set(DD_KEYS).send(workflowBody());
    await http.get(`/api/v2/workflows/${wf.body.data.id}`).set(DD_KEYS);
    await http.get('/api/v2/workflows').set(DD_KEYS);
    expect(atReply).toEqual([1, 2, 3]);
    disk.close();

    // The restart: a new flowtwin on the same file, the old one never closed.
    const again = await createFlowtwin({ store: new SqliteStore(file), now: () => T0 });
    const entries = await again.journal.query();
    expect(entries.map((e) => [e.operationId, e.status])).toEqual([
      ['CreateWorkflow', 201],
      ['GetWorkflow', 200],
      ['ListWorkflows', 200],
    ]);
    await again.close();
  });
});
