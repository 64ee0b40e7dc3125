// How `flowtwin serve` stops and how it rides out its store going away, as a user sees it from
// outside the process: SIGTERM with requests in flight on SQLite, and Redis killed and restarted.
import { once } from 'node:events';
import { request } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, killChildren } from '../support/cli.js';
import { DD_KEYS, workflowBody } from '../support/flowtwin.js';
import { ownRedisSkipReason, startOwnRedis, type OwnRedis } from '../support/redis.js';

afterEach(killChildren);

const JSON_HEADERS = { ...DD_KEYS, 'content-type': 'application/json' };
const CONTROL = { 'content-type': 'application/json' };
const SM = { project: '0123456789abcdef0123456789abcdef', workspace: '7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b' };
const SM_HEADERS = { 'X-Auth-Token': 'flowtwin-lifecycle-token', 'content-type': 'application/json' };

interface Answer {
  status: number;
  type: string;
  body: any;
  ms: number;
}

/** One call with a deadline: a hang fails the test instead of timing it out. */
async function call(
  url: string,
  method = 'GET',
  body?: unknown,
  headers: Record<string, string> = JSON_HEADERS,
  timeoutMs = 15_000,
): Promise<Answer> {
  const started = performance.now();
  const res = await fetch(url, {
    method,
    headers,
    signal: AbortSignal.timeout(timeoutMs),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // kept as text: the assertion shows what came back
  }
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    body: parsed,
    ms: performance.now() - started,
  };
}

/** A request on a connection of its own (no pooled keep-alive socket): how a new client arrives. */
function freshConnection(url: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request(`${url}/__flowtwin/health`, { agent: false, timeout: 5000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
    req.end();
  });
}

describe('SIGTERM', () => {
  it('finishes the requests in flight, refuses new connections, closes SQLite and exits 0; a restart finds every acknowledged write', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'flowtwin-sigterm-')), 'state.db');
    // Warnings and errors only: the drain must leave nothing worth a warning (request lines are info).
    const first = cli(['serve', '--port', '0', '--no-seed', '--store', `sqlite:${file}`], {
      ...process.env,
      FLOWTWIN_LOG_LEVEL: 'warn',
    });
    const url = await first.url();
    const wf = await call(`${url}/api/v2/workflows`, 'POST', workflowBody({ sleepSeconds: 3600 }));
    expect(wf.status).toBe(201);
    const instances = `${url}/api/v2/workflows/${wf.body.data.id}/instances`;
    const before = await call(instances, 'POST', {});
    expect(before.status).toBe(200);

    // Every execute and every read of that run now waits 1.5 s before it is served.
    const slow = 1500;
    for (const operation of ['CreateWorkflowInstance', 'GetWorkflowInstance']) {
      expect(
        (await call(`${url}/__flowtwin/faults`, 'POST', { vendor: 'datadog', operation, latencyMs: slow }, CONTROL))
          .status,
      ).toBe(201);
    }
    const executes = Array.from({ length: 8 }, () => call(instances, 'POST', { meta: { payload: { n: 1 } } }));
    const reads = Array.from({ length: 4 }, () => call(`${instances}/${before.body.data.id}`));
    // In flight: every one of them has been admitted and is waiting on its fault.
    await expect
      .poll(
        async () =>
          (
            (await call(`${url}/__flowtwin/faults`, 'GET', undefined, CONTROL)).body.faults as { hits: number }[]
          ).reduce((n, f) => n + f.hits, 0),
        { timeout: 5000, interval: 50 },
      )
      .toBe(12);

    const exited = once(first.child, 'exit');
    const signalled = performance.now();
    first.child.kill('SIGTERM');
    // A new connection is refused while the admitted requests are still being served.
    await expect.poll(() => freshConnection(url), { timeout: 1000, interval: 50 }).toBe('ECONNREFUSED');
    expect(performance.now() - signalled).toBeLessThan(slow);

    const answered = await Promise.all([...executes, ...reads]);
    for (const a of answered) {
      expect(a.status, JSON.stringify(a.body)).toBe(200);
      expect(a.body.data.id).toMatch(/^[0-9a-f-]{36}$/);
    }
    const [code, signal] = (await exited) as [number | null, string | null];
    expect({ code, signal, stderr: first.output().err }).toEqual({ code: 0, signal: null, stderr: '' });
    expect(performance.now() - signalled, 'stopped without waiting for the grace period').toBeLessThan(slow + 2000);

    const second = cli(['serve', '--port', '0', '--store', `sqlite:${file}`]);
    const again = await second.url();
    const ids = [before.body.data.id, ...answered.slice(0, executes.length).map((a) => a.body.data.id as string)];
    expect(new Set(ids).size).toBe(9);
    const againInstances = `${again}/api/v2/workflows/${wf.body.data.id}/instances`;
    // The fault rules were acknowledged writes too: still there, with their hits.
    const faults = (await call(`${again}/__flowtwin/faults`, 'GET', undefined, CONTROL)).body.faults as {
      id: string;
      hits: number;
      latencyMs: number;
    }[];
    expect(faults.map((f) => [f.latencyMs, f.hits])).toEqual([
      [slow, 8],
      [slow, 4],
    ]);
    for (const f of faults)
      expect((await call(`${again}/__flowtwin/faults/${f.id}`, 'DELETE', undefined, CONTROL)).status).toBe(204);
    for (const id of ids) expect((await call(`${againInstances}/${id}`)).status, id).toBe(200);
    expect((await call(`${againInstances}?page[size]=100`)).body.meta.page.totalCount).toBe(9);
    // Each answered request is in the journal, which lives in the same file.
    const verify = await call(
      `${again}/__flowtwin/journal/verify`,
      'POST',
      { operation: 'CreateWorkflowInstance', status: 200, count: 9 },
      CONTROL,
    );
    expect(verify.status, JSON.stringify(verify.body)).toBe(200);
  }, 40_000);
});

const skip = ownRedisSkipReason();
describe.skipIf(skip !== undefined)(
  `Redis going away under a running flowtwin${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    let redis: OwnRedis | undefined;
    afterEach(async () => {
      await redis?.stop();
      redis = undefined;
    });

    it("answers in the vendors' own 5xx shapes and the control plane's problem+json 503 within seconds, and serves again once Redis is back", async () => {
      redis = await startOwnRedis();
      const run = cli(['serve', '--port', '0', '--store', redis.url, '--log-format', 'json']);
      const url = await run.url();
      const wf = await call(`${url}/api/v2/workflows`, 'POST', workflowBody({ sleepSeconds: 3600 }));
      const instances = `${url}/api/v2/workflows/${wf.body.data.id}/instances`;
      const created = await call(instances, 'POST', {});
      expect(created.status).toBe(200);
      const smList = `${url}/v1/${SM.project}/workspaces/${SM.workspace}/soc/playbooks/instances?limit=10&offset=0`;
      expect((await call(smList, 'GET', undefined, SM_HEADERS)).status).toBe(200);

      await redis.kill();
      const down = await Promise.all([
        call(`${instances}/${created.body.data.id}`),
        call(instances, 'POST', {}),
        call(smList, 'GET', undefined, SM_HEADERS),
        call(`${url}/__flowtwin/clock`, 'GET', undefined, CONTROL),
        call(`${url}/__flowtwin/faults`, 'POST', { vendor: 'datadog', status: 500 }, CONTROL),
      ]);
      const [get, execute, sm, clock, fault] = down;
      for (const dd of [get, execute]) {
        expect({ status: dd.status, type: dd.type, body: dd.body }).toEqual({
          status: 503,
          type: expect.stringMatching(/^application\/json/),
          body: { errors: ['Service Unavailable'] },
        });
      }
      expect(sm.status).toBe(503);
      expect(sm.type).toMatch(/^application\/json/);
      expect(sm.body).toEqual({ code: expect.stringMatching(/^SecMaster\./), message: expect.any(String) });
      for (const control of [clock, fault]) {
        expect(control.status).toBe(503);
        expect(control.type).toMatch(/^application\/problem\+json/);
        expect(control.body).toMatchObject({ status: 503, title: 'Service Unavailable' });
      }
      for (const a of down) expect(a.ms, 'answered within a bounded time').toBeLessThan(8000);

      await redis.start();
      // ioredis reconnects within its retry delay (at most 2 s); then everything works again.
      await expect
        .poll(async () => (await call(`${instances}/${created.body.data.id}`)).status, {
          timeout: 10_000,
          interval: 250,
        })
        .toBe(200);
      expect((await call(instances, 'POST', {})).status).toBe(200);
      expect((await call(smList, 'GET', undefined, SM_HEADERS)).status).toBe(200);
      expect((await call(`${url}/__flowtwin/clock`, 'GET', undefined, CONTROL)).status).toBe(200);
      // The outage wrote nothing half-way: the list holds the two runs that were answered with 200.
      expect((await call(instances)).body.meta.page.totalCount).toBe(2);
      // The log says the connection went and came back once each, however many reconnection attempts the outage took.
      const storeLines = run
        .output()
        .err.split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { level: number; msg: string })
        .filter((r) => r.msg.startsWith('store connection'));
      expect(storeLines.map((r) => [r.level, r.msg.split(':')[0]])).toEqual([
        [50, 'store connection lost'],
        [30, 'store connection recovered'],
      ]);

      const exited = once(run.child, 'exit');
      run.child.kill('SIGTERM');
      expect((await exited)[0]).toBe(0);
    }, 45_000);
  },
);
