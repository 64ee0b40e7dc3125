import { describe, expect, it } from 'vitest';
import { DD_KEYS, T0, testFlowtwin, workflowBody } from '../support/flowtwin.js';
import { conforms } from './control-spec.js';

describe('control plane', () => {
  it('reports health with the vendors served and the clock', async () => {
    const ft = await testFlowtwin();
    const res = conforms('GetHealth', await ft.http.get('/__flowtwin/health'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', vendors: ['datadog', 'secmaster', 'huawei-iam'], clock: { now: T0, frozen: true, speed: 1 }, store: { kind: 'memory', durable: false, shared: false } });
  });

  it('advances, freezes, resumes and speeds up the virtual clock', async () => {
    const ft = await testFlowtwin();
    const adv = conforms('AdvanceClock', await ft.http.post('/__flowtwin/clock/advance').send({ ms: 90_000 }));
    expect(adv.body).toMatchObject({ now: T0 + 90_000, iso: '2026-01-15T10:01:30.000Z', frozen: true });
    expect(conforms('ResumeClock', await ft.http.post('/__flowtwin/clock/resume')).body.frozen).toBe(false);
    expect(conforms('FreezeClock', await ft.http.post('/__flowtwin/clock/freeze')).body.frozen).toBe(true);
    expect(conforms('SetClockSpeed', await ft.http.post('/__flowtwin/clock/speed').send({ speed: 60 })).body.speed).toBe(60);
    expect(conforms('GetClock', await ft.http.get('/__flowtwin/clock')).body.now).toBe(T0 + 90_000);
  });

  it('completes a running instance when the clock is advanced past its steps', async () => {
    const ft = await testFlowtwin();
    const wf = await ft.http.post('/api/v2/workflows').set(DD_KEYS).send(workflowBody({ sleepSeconds: 60 }));
    const run = await ft.http.post(`/api/v2/workflows/${wf.body.data.id}/instances`).set(DD_KEYS).send({});
    await ft.http.post('/__flowtwin/clock/advance').send({ ms: 61_000 }).expect(200);
    const res = await ft.http.get(`/api/v2/workflows/${wf.body.data.id}/instances/${run.body.data.id}`).set(DD_KEYS);
    expect(res.body.data.attributes.instanceStatus.detailsKind).toBe('SUCCEEDED');
  });

  it('refuses bad clock input with problem+json and leaves the clock alone', async () => {
    const ft = await testFlowtwin();
    for (const body of [{ ms: -5 }, { ms: 1.5 }, { ms: '100' }, {}]) {
      const res = conforms('AdvanceClock', await ft.http.post('/__flowtwin/clock/advance').send(body));
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.detail).toMatch(/ms/);
    }
    const broken = await ft.http.post('/__flowtwin/clock/advance').set('content-type', 'application/json').send('{"ms": ');
    expect(broken.status).toBe(400);
    expect(broken.body.detail).toMatch(/not valid JSON/);
    expect(conforms('SetClockSpeed', await ft.http.post('/__flowtwin/clock/speed').send({ speed: 0 })).status).toBe(400);
    expect(ft.clock.now()).toBe(T0);
  });

  it('resets to the fixtures: what a test created is gone and the seeded data is back', async () => {
    const fixtures = {
      datadog: {
        tenants: [{ apiKey: 'test-api-key', appKey: 'test-app-key', workflows: [{ id: 'aaaaaaaa-0000-4000-8000-000000000001', specVersionId: 'aaaaaaaa-0000-4000-8000-000000000002', name: 'Seeded', spec: workflowBody().data.attributes.spec, createdAgoMs: 1000 }], instances: [] }],
      },
    };
    const ft = await testFlowtwin({ fixtures });
    await ft.http.post('/api/v2/workflows').set(DD_KEYS).send(workflowBody({ name: 'Made by a test' })).expect(201);
    await ft.http.post('/__flowtwin/clock/advance').send({ ms: 5000 });
    const res = conforms('Reset', await ft.http.post('/__flowtwin/reset'));
    expect(res.body).toMatchObject({ status: 'reset', seeded: true, clock: { frozen: false, speed: 1 } });
    const list = await ft.http.get('/api/v2/workflows').set(DD_KEYS);
    expect(list.body.data.map((w: { attributes: { name: string } }) => w.attributes.name)).toEqual(['Seeded']);
    conforms('Reset', await ft.http.post('/__flowtwin/reset').send({ seed: false }));
    expect((await ft.http.get('/api/v2/workflows').set(DD_KEYS)).body.meta.page.totalCount).toBe(0);
    expect(conforms('Reset', await ft.http.post('/__flowtwin/reset').send({ seed: 'yes' })).status).toBe(400);
  });

  it('answers malformed JSON on any control call with a problem+json 400', async () => {
    const ft = await testFlowtwin();
    const res = conforms('FreezeClock', await ft.http.post('/__flowtwin/clock/freeze').set('content-type', 'application/json').send('{oops'));
    expect(res.status).toBe(400);
    expect(ft.clock.state().frozen).toBe(true);
  });

  it('answers an unknown control path with a problem+json 404', async () => {
    const ft = await testFlowtwin();
    const res = await ft.http.get('/__flowtwin/nope');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
