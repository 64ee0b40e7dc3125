// Finding 1 of issue 17: a valid-looking clock jump (2^53 - 1 ms) once made every later answer a
// 500 "Invalid time value", survived reset and, on a durable store, a restart. The clock now stays
// within 0000-01-01..9999-12-31, the spec bounds its inputs, and a broken stored clock is repaired.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import supertest from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_ADVANCE_MS, MAX_SPEED, MAX_TIME } from '../../src/engine/clock.js';
import { createFlowtwin } from '../../src/http/app.js';
import { loadSpec } from '../../src/spec/load.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { DD_KEYS, T0, testFlowtwin, workflowBody } from '../support/flowtwin.js';
import { conforms } from './control-spec.js';

const MAX_SAFE = 9_007_199_254_740_991;

async function runningWorkflow(ft: Awaited<ReturnType<typeof testFlowtwin>>) {
  const wf = await ft.http.post('/api/v2/workflows').set(DD_KEYS).send(workflowBody({ sleepSeconds: 60 })).expect(201);
  const run = await ft.http.post(`/api/v2/workflows/${wf.body.data.id}/instances`).set(DD_KEYS).send({}).expect(200);
  return `/api/v2/workflows/${wf.body.data.id}/instances/${run.body.data.id}`;
}

describe('the clock range on the control plane', () => {
  it('holds the control spec’s maxima equal to the clock’s own', () => {
    const paths = loadSpec('flowtwin-control.yaml').paths as Record<string, { post: { requestBody: { content: { 'application/json': { schema: { properties: Record<string, { maximum?: number }> } } } } } }>;
    const bodyOf = (path: string) => paths[path]!.post.requestBody.content['application/json'].schema.properties;
    expect(bodyOf('/__flowtwin/clock/advance').ms!.maximum).toBe(MAX_ADVANCE_MS);
    expect(bodyOf('/__flowtwin/clock/speed').speed!.maximum).toBe(MAX_SPEED);
  });

  it('refuses an advance of 2^53 - 1 ms with a 400 naming the range, and goes on answering', async () => {
    const ft = await testFlowtwin();
    const path = await runningWorkflow(ft);
    for (const headers of [{}, DD_KEYS]) {
      const res = conforms('AdvanceClock', await ft.http.post('/__flowtwin/clock/advance').set(headers).send({ ms: MAX_SAFE }));
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.detail).toBe(`body must be {"ms": <integer from 0 to ${MAX_ADVANCE_MS} (100 years)>}`);
    }
    expect(conforms('GetClock', await ft.http.get('/__flowtwin/clock')).body.now).toBe(T0);
    expect((await ft.http.get(path).set(DD_KEYS)).status).toBe(200);
  });

  it('refuses a jump past 9999-12-31T23:59:59.999Z, saying how far the clock can go, and answers every vendor at the end of time', async () => {
    const ft = await testFlowtwin();
    const path = await runningWorkflow(ft);
    // 100 years at a time up to the last jump that still fits.
    let now = T0;
    while (MAX_TIME - now > MAX_ADVANCE_MS) now = conforms('AdvanceClock', await ft.http.post('/__flowtwin/clock/advance').send({ ms: MAX_ADVANCE_MS }).expect(200)).body.now;
    const room = MAX_TIME - now;
    const over = conforms('AdvanceClock', await ft.http.post('/__flowtwin/clock/advance').send({ ms: room + 1 }));
    expect(over.status).toBe(400);
    expect(over.body.detail).toMatch(new RegExp(`would pass 9999-12-31T23:59:59.999Z, the latest time the clock can show: advance at most ${room} ms, or reset$`));
    const end = conforms('AdvanceClock', await ft.http.post('/__flowtwin/clock/advance').send({ ms: room }).expect(200));
    expect(end.body).toMatchObject({ now: MAX_TIME, iso: '9999-12-31T23:59:59.999Z' });
    // The run ended long ago; a new one's steps and a token's expiry fall after the end of time.
    expect((await ft.http.get(path).set(DD_KEYS).expect(200)).body.data.attributes.instanceStatus.detailsKind).toBe('SUCCEEDED');
    const later = await runningWorkflow(ft);
    expect((await ft.http.get(later).set(DD_KEYS).expect(200)).body.data.attributes.instanceStatus.detailsKind).toBe('IN_PROGRESS');
    const token = await ft.http.post('/v3/auth/tokens').send({ auth: { identity: { methods: ['password'], password: { user: { name: 'u', password: 'p' } } }, scope: { project: { id: '0123456789abcdef0123456789abcdef' } } } });
    expect(token.status).toBe(201);
    expect(token.body.token.expires_at).toBe('9999-12-31T23:59:59.999000Z');
    expect(conforms('ListInstances', await ft.http.get('/__flowtwin/instances')).status).toBe(200);
  });

  it('puts the global clock back to real time on a global reset, even from the end of time; a tenant reset drops that tenant’s clock only', async () => {
    const ft = await testFlowtwin();
    await ft.http.post('/__flowtwin/clock/advance').send({ ms: MAX_ADVANCE_MS }).expect(200);
    await ft.http.post('/__flowtwin/clock/speed').send({ speed: 60 }).expect(200);
    await ft.http.post('/__flowtwin/clock/advance').set(DD_KEYS).send({ ms: 5000 }).expect(200);
    const tenant = conforms('Reset', await ft.http.post('/__flowtwin/reset').set(DD_KEYS));
    expect(tenant.body.clock).toMatchObject({ now: T0 + MAX_ADVANCE_MS, own: false, speed: 60 });
    const global = conforms('Reset', await ft.http.post('/__flowtwin/reset'));
    expect(global.body.clock).toEqual({ now: T0, iso: '2026-01-15T10:00:00.000Z', frozen: false, speed: 1 });
    expect(conforms('GetClock', await ft.http.get('/__flowtwin/clock').set(DD_KEYS)).body).toMatchObject({ now: T0, own: false });
  });
});

describe('a store holding a clock broken by an older flowtwin', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowtwin-clock-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is repaired at start on SQLite: real time again, one warning naming it, 200s, and the repair is stored', async () => {
    const file = join(dir, 'broken.db');
    const old = new SqliteStore(file);
    // What `advance {"ms": 2^53 - 1}` left in the stored control state, a tenant's clock NaN (JSON null).
    const broken = { anchorReal: T0, anchorVirtual: T0 + MAX_SAFE, frozen: false, speed: 1 };
    const clocks = { global: broken, tenants: { 'dd-x': { ...broken, anchorVirtual: null } } };
    await old.create({ kind: 'flowtwin.control', tenant: '', id: 'state', createdAt: 0, version: 3, data: { stamp: 'old', clocks } });
    await old.close();

    const warnings: string[] = [];
    const ft = await createFlowtwin({ store: new SqliteStore(file), now: () => T0, warn: (m) => warnings.push(m) });
    const http = supertest(ft.handler);
    expect(warnings).toEqual([
      `the stored global clock was broken (virtual time ${T0 + MAX_SAFE} is outside 0000-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z); repaired: back to real time, 2026-01-15T10:00:00.000Z`,
      'the stored clock of tenant dd-x was broken (virtual time null is outside 0000-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z); repaired: dropped, the tenant follows the global clock',
    ]);
    expect(conforms('GetClock', await http.get('/__flowtwin/clock')).body).toEqual({ now: T0, iso: '2026-01-15T10:00:00.000Z', frozen: false, speed: 1 });
    await http.get('/api/v2/workflows').set(DD_KEYS).expect(200);
    await http.post('/api/v2/workflows').set(DD_KEYS).send(workflowBody()).expect(201);
    await ft.close();

    // Stored repaired: the next start adopts it without a word.
    const again: string[] = [];
    const next = await createFlowtwin({ store: new SqliteStore(file), now: () => T0 + 1000, warn: (m) => again.push(m) });
    expect(again).toEqual([]);
    expect(next.clocks.now()).toBe(T0 + 1000);
    await next.close();
  });
});
