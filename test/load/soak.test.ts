// Load and soak: 50 keep-alive clients run a mixed Datadog and SecMaster workload against a real
// `flowtwin serve` for a fixed time, with a fault rule failing 5% of the instance reads. Afterwards
// every answer, every created run and every journal entry is accounted for. Short in `npm test`;
// FLOWTWIN_SOAK_SECONDS=120 (or `npm run soak`) runs each store that long.
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cli, killChildren } from '../support/cli.js';
import { workflowBody } from '../support/flowtwin.js';
import { redisSkipReason, startTestRedis, type TestRedis } from '../support/redis.js';
import { client, CONTROL, DD, rssMb, SM, soak } from './soak-driver.js';

afterEach(killChildren);

const LONG = process.env.FLOWTWIN_SOAK_SECONDS ? Number(process.env.FLOWTWIN_SOAK_SECONDS) : undefined;
if (LONG !== undefined && !(LONG > 0)) throw new Error(`FLOWTWIN_SOAK_SECONDS must be a positive number of seconds, got "${process.env.FLOWTWIN_SOAK_SECONDS}"`);
const CLIENTS = 50;
/** Every run sleeps this long, so runs finish, and get canceled, while the load goes on. */
const RUN_SECONDS = 2;
const FAULT_PROBABILITY = 0.05;

async function soakStore(name: string, store: string, seconds: number): Promise<void> {
  // Request lines off: a line per request kept by the test would be most of what the soak measures.
  const run = cli(['serve', '--port', '0', '--store', store], { ...process.env, FLOWTWIN_LOG_LEVEL: 'warn' });
  const url = await run.url();
  const pid = run.child.pid!;
  const http = client(url, 20);
  const ok = async (method: string, path: string, headers: Record<string, string>, body?: unknown, status = 200) => {
    const a = await http.send(method, path, headers, body);
    expect(a.status, `${method} ${path}: ${JSON.stringify(a.body)}`).toBe(status);
    return a.body;
  };

  // The workload's own workflow, and SecMaster runs to operate on besides the fixtures' ones.
  const workflowId = (await ok('POST', '/api/v2/workflows', DD, workflowBody({ sleepSeconds: RUN_SECONDS }), 201)).data.id as string;
  const triggered = await Promise.all(
    Array.from({ length: 20 }, (_, i) => ok('POST', '/__flowtwin/secmaster/trigger', CONTROL, { project_id: SM.project, workspace_id: SM.workspace, outcome: i % 2 ? 'FAILED' : 'FINISHED' }, 201)),
  );
  const listed = await ok('GET', `/v1/${SM.project}/workspaces/${SM.workspace}/soc/playbooks/instances?limit=100&offset=0`, { 'X-Auth-Token': 'flowtwin-soak-token' });
  const smInstances = [...new Set([...triggered.map((t) => t.id as string), ...(listed.instances as { id: string }[]).map((i) => i.id)])];
  const journalBefore = (await ok('GET', '/__flowtwin/journal', CONTROL)).entries as { seq: number }[];
  const seqBefore = journalBefore.at(-1)?.seq ?? 0;
  // A fifth of the runs fail at their last step; 5% of instance reads get Datadog's 503.
  await ok('POST', '/__flowtwin/scenarios', CONTROL, { vendor: 'datadog', workflow_id: workflowId, outcome: 'FAILED', probability: 0.2 }, 201);
  const fault = await ok('POST', '/__flowtwin/faults', CONTROL, { vendor: 'datadog', operation: 'GetWorkflowInstance', probability: FAULT_PROBABILITY, status: 503 }, 201);

  const rssStart = rssMb(pid);
  const r = await soak(url, { workflowId, smInstances }, { seconds, clients: CLIENTS });
  const rssEnd = rssMb(pid);

  // Zero errors; the only 5xx are the fault rule's, exactly as many as it says it fired.
  expect(r.errors).toEqual([]);
  const hits = ((await ok('GET', '/__flowtwin/faults', CONTROL)).faults as { id: string; hits: number }[]).find((f) => f.id === fault.id)!.hits;
  expect(r.injected).toBe(hits);
  expect(r.injected).toBeGreaterThan(0);
  await ok('DELETE', `/__flowtwin/faults/${fault.id}`, CONTROL, undefined, 204);

  // The journal numbered every request the vendor APIs answered, injected failures included, and
  // each execute it still holds answered with one of the ids the clients got.
  const journal = (await ok('GET', '/__flowtwin/journal?vendor=datadog', CONTROL)).entries as { seq: number; operationId: string; status: number; responseBody?: { data?: { id?: string } } }[];
  const all = (await ok('GET', '/__flowtwin/journal', CONTROL)).entries as { seq: number }[];
  expect(all.at(-1)!.seq - seqBefore, 'journal entries written during the soak').toBe(r.requests);
  const created = new Set(r.created);
  expect(created.size, 'ids are unique').toBe(r.created.length);
  const journaled = journal.filter((e) => e.seq > seqBefore && e.operationId === 'CreateWorkflowInstance' && e.status === 200);
  expect(journaled.filter((e) => !created.has(e.responseBody!.data!.id!))).toEqual([]);

  // Every run an execute answered with 200 is in its workflow's list, and nothing else is.
  const instances = `/api/v2/workflows/${workflowId}/instances`;
  const pages = Math.ceil(r.created.length / 100);
  const listedIds = (await Promise.all(Array.from({ length: pages }, (_, n) => ok('GET', `${instances}?page%5Bsize%5D=100&page%5Bnumber%5D=${n}`, DD)))).flatMap((p) => (p.data as { id: string }[]).map((i) => i.id));
  expect(listedIds.length).toBe(created.size);
  expect(new Set(listedIds)).toEqual(created);

  // One 200 cancel per canceled run, and the list's counters say so.
  expect(new Set(r.canceled).size, 'a run canceled twice').toBe(r.canceled.length);
  const before = (await ok('GET', `${instances}?page%5Bsize%5D=1`, DD)).meta;
  expect(before.page.totalCount).toBe(created.size);
  expect(before.canceledCount).toBe(r.canceled.length);
  expect(before.succeededCount + before.canceledCount + before.failedCount).toBeLessThanOrEqual(before.page.totalCount);

  // Past every run's end: each run is found by GET, and the states GET reports add up to the list's
  // counters: succeeded + canceled + failed = total, none in progress.
  await ok('POST', '/__flowtwin/clock/advance', CONTROL, { ms: 2 * RUN_SECONDS * 1000 + 60_000 });
  const after = (await ok('GET', `${instances}?page%5Bsize%5D=1`, DD)).meta;
  const states: Record<string, number> = {};
  const missing: string[] = [];
  const queue = [...r.created];
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
        const a = await http.send('GET', `${instances}/${id}`, DD);
        if (a.status !== 200) missing.push(`${id}: ${a.status}`);
        else states[a.body.data.attributes.instanceStatus.detailsKind] = (states[a.body.data.attributes.instanceStatus.detailsKind] ?? 0) + 1;
      }
    }),
  );
  expect(missing).toEqual([]);
  expect(states).toEqual(Object.fromEntries(Object.entries({ SUCCEEDED: after.succeededCount, CANCELED: after.canceledCount, FAILED: after.failedCount }).filter(([, n]) => n > 0)));
  expect(after.canceledCount).toBe(r.canceled.length);
  expect(after.succeededCount + after.canceledCount + after.failedCount).toBe(after.page.totalCount);
  expect(after.failedCount, 'the scenario failed some runs').toBeGreaterThan(0);
  http.close();

  // Memory: reported, not asserted (the store itself grows with every run created).
  await new Promise((resolve) => setTimeout(resolve, LONG ? 10_000 : 2_000));
  const rssSettled = rssMb(pid);
  const exited = once(run.child, 'exit');
  run.child.kill('SIGTERM');
  expect((await exited)[0]).toBe(0);

  const ops = Object.entries(r.byOperation).map(([op, n]) => `${op} ${n} (p50 ${r.latency[op]!.p50} ms, p99 ${r.latency[op]!.p99} ms)`).join(', ');
  console.log(
    `soak ${name}: ${r.requests} requests in ${r.seconds.toFixed(1)} s (${Math.round(r.requests / r.seconds)}/s) from ${CLIENTS} clients [${ops}]; ` +
      `errors 0; injected 503 ${r.injected} = fault hits ${hits}; runs created ${created.size} (all found, listed and journaled), canceled ${r.canceled.length}, ` +
      `succeeded ${after.succeededCount}, failed ${after.failedCount}; RSS start ${rssStart} MB, end ${rssEnd} MB, settled ${rssSettled} MB`,
  );
}

const seconds = (short: number) => LONG ?? short;
// Checking afterwards reads every run created, so it takes longer the longer the soak ran.
const timeout = (s: number) => s * 3000 + 60_000;

describe('load and soak', () => {
  it('memory store', () => soakStore('memory', 'memory', seconds(7)), timeout(seconds(7)));

  it('SQLite store', () => soakStore('sqlite', `sqlite:${join(mkdtempSync(join(tmpdir(), 'flowtwin-soak-')), 'state.db')}`, seconds(3)), timeout(seconds(3)));

  const skip = redisSkipReason();
  describe.skipIf(skip !== undefined)(`Redis store${skip ? ` (skipped: ${skip})` : ''}`, () => {
    let redis: TestRedis;
    beforeAll(async () => {
      redis = await startTestRedis();
    });
    afterAll(async () => redis?.stop());
    it('Redis store', () => soakStore('redis', `${redis.url}?prefix=${encodeURIComponent(redis.prefix())}`, seconds(3)), timeout(seconds(3)));
  });
});
