// POST /__flowtwin/secmaster/trigger names its project in the body; credentials on the call must be
// that project's. Another tenant's credentials are refused (403) before anything is created or used
// up: no default playbook, no run, no scenario hit. Without credentials it stays a global call.
import { describe, expect, it } from 'vitest';
import { DD_KEYS, testFlowtwin } from '../support/flowtwin.js';
import { conforms } from './control-spec.js';

const A = '0123456789abcdef0123456789abcdef';
const B = 'fedcba9876543210fedcba9876543210';
const WS = '7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b';
const listOf = (project: string) => `/v1/${project}/workspaces/${WS}/soc/playbooks`;

async function setUp() {
  const ft = await testFlowtwin();
  const tokenOf = async (project: string) => {
    const issued = await ft.http.post('/v3/auth/tokens').send({
      auth: { identity: { methods: ['password'], password: { user: { name: 'u', password: 'p', domain: { name: 'd' } } } }, scope: { project: { id: project } } },
    });
    return { 'X-Auth-Token': issued.headers['x-subject-token'] as string };
  };
  const [tokenA, tokenB] = [await tokenOf(A), await tokenOf(B)];
  // One run of any playbook fails: a refused trigger must not use it up.
  const scenario = await ft.http.post('/__flowtwin/scenarios').send({ vendor: 'secmaster', outcome: 'FAILED', times: 1 });
  expect(scenario.status).toBe(201);
  const trigger = (headers: Record<string, string>, project = A) => ft.http.post('/__flowtwin/secmaster/trigger').set(headers).send({ project_id: project, workspace_id: WS });
  /** What project A holds, and the scenario's hits. */
  const stateOfA = async () => ({
    playbooks: (await ft.http.get(`${listOf(A)}?limit=100&offset=0`).set(tokenA)).body.total as number,
    runs: ((await ft.http.get(`${listOf(A)}/instances?limit=100&offset=0`).set(tokenA)).body.instances as unknown[]).length,
    // A scenario used up (times: 1) leaves the list.
    scenarioHits: ((await ft.http.get('/__flowtwin/scenarios')).body.scenarios as { hits: number }[]).map((s) => s.hits),
  });
  return { ft, tokenA, tokenB, trigger, stateOfA };
}

describe('POST /__flowtwin/secmaster/trigger with credentials', () => {
  it.each([
    ['project B\'s token', 'tokenB'],
    ['a Datadog org\'s keys', 'dd'],
  ] as const)("refuses %s for project A with 403 problem+json, and creates and uses up nothing", async (_name, who) => {
    const { tokenB, trigger, stateOfA } = await setUp();
    const before = await stateOfA();
    expect(before).toEqual({ playbooks: 0, runs: 0, scenarioHits: [0] });
    const res = conforms('TriggerSecMasterPlaybook', await trigger(who === 'dd' ? DD_KEYS : tokenB));
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.detail).toMatch(`not project ${A}'s`);
    expect(await stateOfA()).toEqual(before);
  });

  it("starts a run with the project's own credentials, and without any (a global call)", async () => {
    const { tokenA, tokenB, trigger, stateOfA } = await setUp();
    const own = conforms('TriggerSecMasterPlaybook', await trigger(tokenA));
    expect(own.status).toBe(201);
    expect(own.body.project_id).toBe(A);
    expect(await stateOfA()).toEqual({ playbooks: 1, runs: 1, scenarioHits: [] });
    expect(conforms('TriggerSecMasterPlaybook', await trigger({})).status).toBe(201);
    expect(conforms('TriggerSecMasterPlaybook', await trigger(tokenB, B)).status).toBe(201);
    expect((await stateOfA()).runs).toBe(2);
  });

  it('refuses credentials that name no tenant with 401 before reading the body', async () => {
    const { trigger, stateOfA } = await setUp();
    const res = conforms('TriggerSecMasterPlaybook', await trigger({ 'X-Project-Id': A }));
    expect(res.status).toBe(401);
    expect(await stateOfA()).toEqual({ playbooks: 0, runs: 0, scenarioHits: [0] });
  });
});
