// flowtwin's control plane POST /__flowtwin/secmaster/trigger: starting instances of the default or a
// named playbook, failing runs on purpose, and the problem+json 400 for bad input.
import { describe, expect, it } from 'vitest';
import { testFlowtwin } from '../../support/flowtwin.js';
import { PROJECT, WS, BASE, AUTH, UUID, AUTO_BLOCK, AUTO_BLOCK_VERSION, ts, ids, withFixtures, list, trigger } from './support.js';

describe('flowtwin control: POST /__flowtwin/secmaster/trigger', () => {
  it('starts an instance of the default playbook, created on first use, and answers 201 with the instance', async () => {
    const ft = await testFlowtwin();
    const before = await ft.http.get(`${BASE}?limit=10&offset=0`).set(AUTH);
    expect(before.body.total).toBe(0);

    const res = await trigger(ft);
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({
      id: expect.stringMatching(new RegExp(UUID)),
      name: 'flowtwin-default-playbook-20260115180000',
      project_id: PROJECT,
      playbook: { id: expect.stringMatching(new RegExp(UUID)), version_id: expect.stringMatching(new RegExp(UUID)), name: 'flowtwin-default-playbook', version: 'v1' },
      dataclass: { id: expect.any(String), name: 'Alert' },
      dataobject: { id: expect.any(String), name: 'Alert object' },
      status: 'RUNNING',
      trigger_type: 'EVENT',
      start_time: ts(0),
      end_time: ts(0),
    });
    const shown = await ft.http.get(`${BASE}/instances/${res.body.id}`).set(AUTH);
    expect(shown.body).toEqual(res.body);

    const playbooks = await ft.http.get(`${BASE}?limit=10&offset=0`).set(AUTH);
    expect(playbooks.body.total).toBe(1);
    expect(playbooks.body.data[0]).toMatchObject({ id: res.body.playbook.id, name: 'flowtwin-default-playbook', version_id: res.body.playbook.version_id });
    const version = await ft.http.get(`${BASE}/versions/${res.body.playbook.version_id}`).set(AUTH);
    expect(version.body.data.actions.map((a: { name: string }) => a.name)).toEqual(['Enrich alert', 'Block source IP', 'Notify on-call']);

    ft.clock.advance(1_000);
    const again = await trigger(ft);
    expect(again.body.playbook).toEqual(res.body.playbook);
    expect((await ft.http.get(`${BASE}?limit=10&offset=0`).set(AUTH)).body.total).toBe(1);
    expect(ids(await list(ft))).toEqual([again.body.id, res.body.id]);
  });

  it('runs a named playbook for the given data object', async () => {
    const ft = await withFixtures();
    const res = await trigger(ft, { playbook_id: AUTO_BLOCK, dataobject: { id: 'do-1', name: 'Brute force from 198.51.100.7' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ playbook: { id: AUTO_BLOCK, version_id: AUTO_BLOCK_VERSION, version: 'v2' }, dataobject: { id: 'do-1', name: 'Brute force from 198.51.100.7' }, status: 'RUNNING' });
    expect(ids(await list(ft, { dataobject_name: '198.51.100.7' }))).toEqual([res.body.id]);
    const named = await trigger(ft, { playbook_id: AUTO_BLOCK, dataobject: { name: 'only a name' } });
    expect(named.body.dataobject).toEqual({ id: expect.stringMatching(new RegExp(UUID)), name: 'only a name' });
  });

  it('fails the run at fail_action when outcome is FAILED', async () => {
    const ft = await withFixtures();
    const res = await trigger(ft, { playbook_id: AUTO_BLOCK, outcome: 'FAILED', fail_action: 'Enrich alert' });
    expect(res.status).toBe(201);
    ft.clock.advance(5_000);
    const shown = await ft.http.get(`${BASE}/instances/${res.body.id}`).set(AUTH);
    expect(shown.body).toMatchObject({ status: 'FAILED', end_time: ts(5_000) });
  });

  it.each([
    ['no body fields', {}, 'project_id must be 32-36 letters, digits or dashes'],
    ['a numeric project_id', { project_id: 123, workspace_id: WS }, 'project_id must be 32-36 letters, digits or dashes'],
    ['no workspace_id', { project_id: PROJECT }, 'workspace_id must be 32-36 letters, digits or dashes'],
    ['a workspace_id with a slash', { project_id: PROJECT, workspace_id: 'a/b' }, 'workspace_id must be 32-36 letters, digits or dashes'],
    ['a malformed playbook_id', { project_id: PROJECT, workspace_id: WS, playbook_id: '../x' }, 'playbook_id must be a UUID'],
    ['an unknown playbook_id', { project_id: PROJECT, workspace_id: WS, playbook_id: '11111111-2222-4333-8444-555555555555' }, `playbook 11111111-2222-4333-8444-555555555555 does not exist in workspace ${WS} of project ${PROJECT}`],
    ['outcome SUCCEEDED', { project_id: PROJECT, workspace_id: WS, outcome: 'SUCCEEDED' }, 'outcome must be "FINISHED" or "FAILED"'],
    ['an unknown fail_action', { project_id: PROJECT, workspace_id: WS, outcome: 'FAILED', fail_action: 'Reboot' }, "fail_action must name one of the playbook's actions: Enrich alert, Block source IP, Notify on-call"],
    ['a string dataobject', { project_id: PROJECT, workspace_id: WS, dataobject: 'x' }, 'dataobject must be {"id": string, "name": string} with at least one of the two'],
    ['a null dataobject', { project_id: PROJECT, workspace_id: WS, dataobject: null }, 'dataobject must be {"id": string, "name": string} with at least one of the two'],
    ['a numeric dataobject id', { project_id: PROJECT, workspace_id: WS, dataobject: { id: 5 } }, 'dataobject must be {"id": string, "name": string} with at least one of the two'],
    ['an empty dataobject', { project_id: PROJECT, workspace_id: WS, dataobject: {} }, 'dataobject must be {"id": string, "name": string} with at least one of the two'],
    ['an array dataobject', { project_id: PROJECT, workspace_id: WS, dataobject: [] }, 'dataobject must be {"id": string, "name": string} with at least one of the two'],
    ['a project_id too short for the API path', { project_id: 'abc', workspace_id: WS }, 'project_id must be 32-36 letters, digits or dashes'],
    ['fail_action without outcome FAILED', { project_id: PROJECT, workspace_id: WS, fail_action: 'Enrich alert' }, 'fail_action needs outcome "FAILED"'],
  ])('refuses %s with problem+json 400', async (_label, body, detail) => {
    const ft = await testFlowtwin();
    const res = await ft.http.post('/__flowtwin/secmaster/trigger').send(body);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(res.text)).toEqual({ type: 'about:blank', title: 'Bad Request', status: 400, detail });
    expect((await list(ft)).body.count).toBe(0);
  });

  it('refuses a body that is not JSON with problem+json 400', async () => {
    const ft = await testFlowtwin();
    const res = await ft.http.post('/__flowtwin/secmaster/trigger').set('content-type', 'application/json').send('{"project_id":');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(res.text)).toEqual({ type: 'about:blank', title: 'Bad Request', status: 400, detail: 'the request body is not valid JSON' });
  });
});
