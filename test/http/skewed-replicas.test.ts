// Two replicas sharing one Redis, one whose own clock is a minute behind: what either answers must
// be one history, the store's. The pieces (the store's shared time, an operation never dated
// before the record's last event) are unit-tested; this is the user's view through HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import supertest from 'supertest';
import { createFlowtwin } from '../../src/http/app.js';
import { openStore } from '../../src/store/open.js';
import { DD_KEYS, workflowBody } from '../support/flowtwin.js';
import { redisSkipReason, startTestRedis, type TestRedis } from '../support/redis.js';

const SKEW_MS = -60_000;
const ADVANCE_MS = 30_000;
const PROJECT = '0123456789abcdef0123456789abcdef';
const WS = '7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b';
const SM_AUTH = { 'X-Auth-Token': 'local-development-token' };
const smBase = `/v1/${PROJECT}/workspaces/${WS}/soc/playbooks/instances`;

type Replica = Awaited<ReturnType<typeof replica>>;

async function replica(url: string, skewMs: number) {
  const flowtwin = await createFlowtwin({ store: await openStore(url, { wallClock: () => Date.now() + skewMs }) });
  return { ...flowtwin, http: supertest(flowtwin.handler) };
}

/** Advances the clock through one replica; the other must show the same time once it has heard of it (through Redis). */
async function advance(through: Replica, other: Replica, ms: number): Promise<void> {
  const target = ((await through.http.post('/__flowtwin/clock/advance').send({ ms }).expect(200)).body as { now: number }).now;
  let shown = 0;
  for (let i = 0; i < 100; i++) {
    shown = ((await other.http.get('/__flowtwin/clock').expect(200)).body as { now: number }).now;
    if (Math.abs(shown - target) < 1_000) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`the replicas disagree on time: one shows ${new Date(target).toISOString()}, the other ${new Date(shown).toISOString()}`);
}

const smTime = (value: string) => Date.parse(value.replace(/Z\+0800$/, '+08:00'));

const redisSkip = redisSkipReason();
describe.skipIf(redisSkip !== undefined)(`two replicas, one clock ${-SKEW_MS / 1000} s behind${redisSkip ? ` (skipped: ${redisSkip})` : ''}`, () => {
  let redis: TestRedis;
  let good: Replica;
  let lagging: Replica;
  beforeAll(async () => {
    redis = await startTestRedis();
    const url = `${redis.url}?prefix=${encodeURIComponent(redis.prefix())}`;
    good = await replica(url, 0);
    lagging = await replica(url, SKEW_MS);
  });
  afterAll(async () => {
    await good?.close();
    await lagging?.close();
    await redis?.stop();
  });

  it('dates a Datadog cancel sent to the lagging replica by the shared time, after the run started, and both replicas answer the same', async () => {
    const wf = await good.http
      .post('/api/v2/workflows')
      .set(DD_KEYS)
      .send(workflowBody({ sleepSeconds: 3600 }))
      .expect(201);
    const path = `/api/v2/workflows/${wf.body.data.id}/instances`;
    const run = await good.http.post(path).set(DD_KEYS).send({}).expect(200);
    const instance = `${path}/${run.body.data.id}`;
    const started = Date.parse((await good.http.get(instance).set(DD_KEYS).expect(200)).body.data.attributes.startTimestamp);

    await advance(good, lagging, ADVANCE_MS);
    await lagging.http.put(`${instance}/cancel`).set(DD_KEYS).expect(200);

    const [fromGood, fromLagging] = await Promise.all([good.http.get(instance).set(DD_KEYS), lagging.http.get(instance).set(DD_KEYS)]);
    const attrs = fromLagging.body.data.attributes;
    expect(attrs.instanceStatus.detailsKind).toBe('CANCELED');
    const ended = Date.parse(attrs.endTimestamp);
    expect(ended).toBeGreaterThanOrEqual(started);
    // The cancel happened half a minute (virtual) after the start: the lagging replica's own clock
    // would have dated it half a minute before.
    expect(Math.abs(ended - (started + ADVANCE_MS))).toBeLessThan(2_000);
    expect(fromGood.body).toEqual(fromLagging.body);
  });

  it('dates a SecMaster TERMINATE sent to the lagging replica after the run started, and both replicas list it the same', async () => {
    const triggered = await good.http.post('/__flowtwin/secmaster/trigger').send({ project_id: PROJECT, workspace_id: WS, outcome: 'FAILED' }).expect(201);
    const id = triggered.body.id as string;
    // A failed run can be retried: retry through the lagging replica, then terminate through it.
    await advance(good, lagging, ADVANCE_MS);
    const show = async (r: Replica) => (await r.http.get(`${smBase}/${id}`).set(SM_AUTH).expect(200)).body;
    expect((await show(lagging)).status).toBe('FAILED');
    await lagging.http.post(`${smBase}/${id}/operation`).set(SM_AUTH).send({ operation: 'RETRY' }).expect(200);
    await lagging.http.post(`${smBase}/${id}/operation`).set(SM_AUTH).send({ operation: 'TERMINATE' }).expect(200);

    const [a, b] = await Promise.all([show(good), show(lagging)]);
    expect(b).toEqual(a);
    expect(['TERMINATING', 'TERMINATED']).toContain(b.status);
    const started = smTime(b.start_time);
    expect(Number.isFinite(started)).toBe(true);
    // end_time is the latest status change: the terminate, half a minute (virtual) after the start.
    const ended = smTime(b.end_time);
    expect(ended).toBeGreaterThanOrEqual(started);
    expect(Math.abs(ended - (started + ADVANCE_MS))).toBeLessThan(2_000);
    const listed = async (r: Replica) => (await r.http.get(`${smBase}?offset=0&limit=100`).set(SM_AUTH).expect(200)).body;
    expect(await listed(lagging)).toEqual(await listed(good));
  });
});
