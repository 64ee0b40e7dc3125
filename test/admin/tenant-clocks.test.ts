import { describe, expect, it } from 'vitest';
import { DD_KEYS, DD_OTHER_ORG, T0, testFlowtwin, workflowBody } from '../support/flowtwin.js';
import { conforms } from './control-spec.js';

async function twoOrgs() {
  const ft = await testFlowtwin();
  const start = async (keys: Record<string, string>) => {
    const wf = await ft.http.post('/api/v2/workflows').set(keys).send(workflowBody({ sleepSeconds: 10 }));
    const run = await ft.http.post(`/api/v2/workflows/${wf.body.data.id}/instances`).set(keys).send({});
    const path = `/api/v2/workflows/${wf.body.data.id}/instances/${run.body.data.id}`;
    return async () => (await ft.http.get(path).set(keys)).body.data.attributes.instanceStatus.detailsKind as string;
  };
  return { ...ft, a: await start(DD_KEYS), b: await start(DD_OTHER_ORG) };
}

describe('control plane: a clock per tenant', () => {
  it("advances one org's clock without moving the other org's runs or the global clock", async () => {
    const ft = await twoOrgs();
    const mine = conforms('AdvanceClock', await ft.http.post('/__flowtwin/clock/advance').set(DD_KEYS).send({ ms: 11_000 }));
    expect(mine.body).toMatchObject({ now: T0 + 11_000, tenant: expect.stringMatching(/^dd-/), own: true });
    expect(await ft.a()).toBe('SUCCEEDED');
    expect(await ft.b()).toBe('IN_PROGRESS');
    expect(conforms('GetClock', await ft.http.get('/__flowtwin/clock')).body).toMatchObject({ now: T0 });
    expect(conforms('GetClock', await ft.http.get('/__flowtwin/clock').set(DD_OTHER_ORG)).body).toMatchObject({ now: T0, own: false });
  });

  it('lets two orgs freeze and advance in parallel, each seeing only its own time', async () => {
    const ft = await twoOrgs();
    await Promise.all([
      ft.http.post('/__flowtwin/clock/freeze').set(DD_KEYS).expect(200),
      ft.http.post('/__flowtwin/clock/freeze').set(DD_OTHER_ORG).expect(200),
    ]);
    await Promise.all([
      ft.http.post('/__flowtwin/clock/advance').set(DD_KEYS).send({ ms: 5_000 }).expect(200),
      ft.http.post('/__flowtwin/clock/advance').set(DD_OTHER_ORG).send({ ms: 60_000 }).expect(200),
    ]);
    expect((await ft.http.get('/__flowtwin/clock').set(DD_KEYS)).body).toMatchObject({ now: T0 + 5_000, frozen: true, own: true });
    expect((await ft.http.get('/__flowtwin/clock').set(DD_OTHER_ORG)).body).toMatchObject({ now: T0 + 60_000, frozen: true, own: true });
    expect(await ft.a()).toBe('IN_PROGRESS');
    expect(await ft.b()).toBe('SUCCEEDED');
  });

  it("resets one org only: its data and its clock go, the other org's stay", async () => {
    const ft = await twoOrgs();
    await ft.http.post('/__flowtwin/clock/advance').set(DD_KEYS).send({ ms: 1_000 });
    const res = conforms('Reset', await ft.http.post('/__flowtwin/reset').set(DD_KEYS));
    expect(res.body).toMatchObject({ status: 'reset', seeded: false, clock: { now: T0, own: false } });
    expect((await ft.http.get('/api/v2/workflows').set(DD_KEYS)).body.meta.page.totalCount).toBe(0);
    expect((await ft.http.get('/api/v2/workflows').set(DD_OTHER_ORG)).body.meta.page.totalCount).toBe(1);
    expect(await ft.b()).toBe('IN_PROGRESS');
  });

  it('scopes a SecMaster project by its token: TERMINATING settles on the project clock only', async () => {
    const ft = await testFlowtwin();
    const scope = { project_id: '0123456789abcdef0123456789abcdef', workspace_id: '7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b' };
    const base = `/v1/${scope.project_id}/workspaces/${scope.workspace_id}/soc/playbooks/instances`;
    const run = (await ft.http.post('/__flowtwin/secmaster/trigger').send(scope)).body as { id: string };
    const token = (await ft.http.post('/v3/auth/tokens').send({ auth: { identity: { methods: ['password'], password: { user: { name: 'alice', password: 'x' } } }, scope: { project: { id: scope.project_id } } } })).headers['x-subject-token'] as string;
    await ft.http.post(`${base}/${run.id}/operation`).set('X-Auth-Token', token).send({ operation: 'TERMINATE' }).expect(200);
    const moved = conforms('AdvanceClock', await ft.http.post('/__flowtwin/clock/advance').set('X-Auth-Token', token).send({ ms: 3_000 }));
    expect(moved.body).toMatchObject({ tenant: scope.project_id, own: true });
    expect((await ft.http.get(`${base}/${run.id}`).set('X-Auth-Token', token)).body.status).toBe('TERMINATED');
    expect(ft.clock.now()).toBe(T0);
    // A day on the project's clock expires the project's token.
    await ft.http.post('/__flowtwin/clock/advance').set('X-Auth-Token', token).send({ ms: 24 * 3600_000 });
    expect((await ft.http.get(`${base}/${run.id}`).set('X-Auth-Token', token)).status).toBe(401);
  });

  it('refuses bad clock input on a tenant clock with problem+json, changing nothing', async () => {
    const ft = await twoOrgs();
    const res = conforms('AdvanceClock', await ft.http.post('/__flowtwin/clock/advance').set(DD_KEYS).send({ ms: 'soon' }));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await ft.a()).toBe('IN_PROGRESS');
    expect((await ft.http.get('/__flowtwin/clock').set(DD_KEYS)).body).toMatchObject({ own: false });
  });
});
