// The stores as a user runs them: separate flowtwin processes started with --store, two replicas
// on one Redis, a SQLite process killed mid-burst, and stores that cannot be opened.
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cli, killChildren } from '../support/cli.js';
import { DD_KEYS, workflowBody } from '../support/flowtwin.js';
import { redisSkipReason, startTestRedis, type TestRedis } from '../support/redis.js';

afterEach(killChildren);

const JSON_HEADERS = { ...DD_KEYS, 'content-type': 'application/json' };
const call = async (url: string, method = 'GET', body?: unknown, headers: Record<string, string> = JSON_HEADERS) => {
  const res = await fetch(url, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
};

async function startServe(store: string, extra: string[] = []): Promise<string> {
  const run = cli(['serve', '--port', '0', '--store', store, ...extra]);
  return run.url();
}

const skip = redisSkipReason();
describe.skipIf(skip !== undefined)(`two flowtwin processes on one Redis${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => redis?.stop());

  it('serve any request from either replica: create on one, read, list and cancel on the other; one of 50 split cancels wins', async () => {
    const store = `${redis.url}?prefix=${encodeURIComponent(redis.prefix())}`;
    const a = await startServe(store);
    const b = await startServe(store);
    // The first process seeded the new store; the second found it and kept it.
    const fixtureKeys = { 'DD-API-KEY': 'flowtwin-api-key', 'DD-APPLICATION-KEY': 'flowtwin-app-key' };
    expect((await call(`${b}/api/v2/workflows`, 'GET', undefined, fixtureKeys)).body!.meta.page.totalCount).toBe(3);

    const wf = await call(`${a}/api/v2/workflows`, 'POST', workflowBody({ sleepSeconds: 600 }));
    const run = await call(`${a}/api/v2/workflows/${wf.body!.data.id}/instances`, 'POST', {});
    const path = `/api/v2/workflows/${wf.body!.data.id}/instances/${run.body!.data.id}`;
    expect((await call(`${b}${path}`)).body!.data.attributes.instanceStatus.detailsKind).toBe('IN_PROGRESS');
    expect((await call(`${b}/api/v2/workflows/${wf.body!.data.id}/instances`)).body!.data.map((i: { id: string }) => i.id)).toEqual([run.body!.data.id]);

    const cancels = await Promise.all(Array.from({ length: 50 }, (_, i) => call(`${i % 2 ? a : b}${path}/cancel`, 'PUT')));
    expect(cancels.filter((c) => c.status === 200)).toHaveLength(1);
    expect(cancels.every((c) => c.status === 200 || c.status === 400)).toBe(true);
    for (const url of [a, b]) {
      const seen = await call(`${url}${path}`);
      expect(seen.body!.data.attributes.instanceStatus.detailsKind).toBe('CANCELED');
    }
    // One transition, told by the journal of either replica.
    const verify = await call(`${b}/__flowtwin/journal/verify`, 'POST', { operation: 'CancelWorkflowInstance', status: 200, count: 1 }, { 'content-type': 'application/json' });
    expect(verify.status).toBe(200);
  });

  it('share the clock, the rules, the overrides and the event stream', async () => {
    const store = `${redis.url}?prefix=${encodeURIComponent(redis.prefix())}`;
    const a = await startServe(store, ['--no-seed']);
    const b = await startServe(store, ['--no-seed']);
    const control = { 'content-type': 'application/json' };
    await call(`${a}/__flowtwin/clock/freeze`, 'POST', {}, control);
    const wf = await call(`${a}/api/v2/workflows`, 'POST', workflowBody({ sleepSeconds: 60 }));
    const run = await call(`${b}/api/v2/workflows/${wf.body!.data.id}/instances`, 'POST', {});
    const path = `/api/v2/workflows/${wf.body!.data.id}/instances/${run.body!.data.id}`;

    // Events from B's stream for a clock moved through A.
    const controller = new AbortController();
    const stream = await fetch(`${b}/__flowtwin/events?instance=${run.body!.data.id}`, { signal: controller.signal });
    const reader = stream.body!.getReader();
    await call(`${a}/__flowtwin/clock/advance`, 'POST', { ms: 61_000 }, control);
    let text = '';
    const deadline = Date.now() + 5_000;
    while (!text.includes('"to":"SUCCEEDED"') && Date.now() < deadline) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    expect(text).toContain('"to":"SUCCEEDED"');
    expect((await call(`${b}${path}`)).body!.data.attributes.instanceStatus.detailsKind).toBe('SUCCEEDED');
    expect((await call(`${b}/__flowtwin/clock`)).body!.frozen).toBe(true);

    // A fault added through B with times 2 fires exactly twice, wherever the requests land.
    await call(`${b}/__flowtwin/faults`, 'POST', { vendor: 'datadog', operation: 'GetWorkflowInstance', status: 503, times: 2 }, control);
    const statuses = [];
    for (const url of [a, b, a, b]) statuses.push((await call(`${url}${path}`)).status);
    expect(statuses).toEqual([503, 503, 200, 200]);
    expect((await call(`${a}/__flowtwin/faults`)).body!.faults).toEqual([]);

    // An override added through A with times 2 answers exactly two of six concurrent requests to both.
    const gone = { errors: [{ code: 'INSTANCE_NOT_FOUND', detail: 'gone, says the test' }] };
    await call(`${a}/__flowtwin/overrides`, 'POST', { operation: 'GetWorkflowInstance', status: 404, body: gone, times: 2 }, control);
    const answers = await Promise.all([a, b, a, b, a, b].map((url) => call(`${url}${path}`)));
    expect(answers.filter((r) => r.status === 404).map((r) => r.body)).toEqual([gone, gone]);
    expect(answers.filter((r) => r.status === 200)).toHaveLength(4);
    expect((await call(`${b}/__flowtwin/overrides`)).body!.overrides).toEqual([]);
  });
});

describe('SQLite store in a process', () => {
  it('keeps every write it acknowledged when the process is killed with SIGKILL mid-burst', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'flowtwin-sqlite-')), 'state.db');
    const first = cli(['serve', '--port', '0', '--no-seed', '--store', `sqlite:${file}`]);
    const url = await first.url();
    const acknowledged: string[] = [];
    const other: string[] = [];
    let stop = false;
    const writer = async () => {
      while (!stop) {
        // Before the kill a failed request (a reused socket closing) is retried; after it, the writer ends.
        const res = await fetch(`${url}/api/v2/workflows`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(workflowBody()) }).catch((e: Error) => void other.push(`${e.message} ${(e.cause as Error)?.message}`));
        if (!res) continue;
        if (res.status === 201) acknowledged.push(((await res.json()) as { data: { id: string } }).data.id);
        else other.push(`${res.status} ${await res.text()}`);
      }
    };
    const writers = Array.from({ length: 8 }, writer);
    const deadline = Date.now() + 10_000;
    while (acknowledged.length < 40 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(acknowledged.length, `only ${acknowledged.length} writes acknowledged; others: ${other.slice(0, 3).join(' | ')}`).toBeGreaterThanOrEqual(40);
    // Listen before killing: the exit event may come before a later listener would be added.
    const exited = once(first.child, 'exit');
    first.child.kill('SIGKILL');
    stop = true;
    await Promise.all(writers);
    await exited;

    const second = cli(['serve', '--port', '0', '--store', `sqlite:${file}`]);
    const again = await second.url();
    await expect.poll(() => second.output().out).toMatch(/store: sqlite .*existing data kept/);
    const missing: string[] = [];
    for (const id of acknowledged) if ((await call(`${again}/api/v2/workflows/${id}`)).status !== 200) missing.push(id);
    expect(missing).toEqual([]);
    // The fixtures were not loaded over the kept data.
    expect((await call(`${again}/api/v2/workflows`)).body!.meta.page.totalCount).toBeGreaterThanOrEqual(acknowledged.length);
  }, 60_000);
});

describe('stores that cannot be opened', () => {
  const refused = async (store: string, message: RegExp) => {
    const run = cli(['serve', '--port', '0', '--store', store]);
    const [code] = await once(run.child, 'exit');
    const { err } = run.output();
    expect(code).toBe(1);
    expect(err).toMatch(message);
    // A message for a person, not a stack trace.
    expect(err).not.toMatch(/\n\s+at /);
  };

  it('refuses a file that is not SQLite', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'flowtwin-corrupt-')), 'state.db');
    writeFileSync(file, Buffer.alloc(8192, 0x5a));
    await refused(`sqlite:${file}`, new RegExp(`flowtwin: .*${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
  });

  it("refuses another application's SQLite database", async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'flowtwin-foreign-')), 'app.db');
    const db = new Database(file);
    db.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)');
    db.close();
    await refused(`sqlite:${file}`, /not a flowtwin store|not flowtwin/i);
  });

  it('refuses an unreachable Redis within seconds', async () => {
    const started = Date.now();
    await refused('redis://127.0.0.1:1/0', /cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('refuses an unknown store form', async () => {
    await refused('postgres://localhost/db', /unknown store "postgres:\/\/localhost\/db"; use memory, sqlite:<path>/);
  });
});
