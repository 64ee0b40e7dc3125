// SecMaster ShowPlaybookInstance and ShowPlaybookTopology: the instance object, its started actions,
// and the 400 answers for unknown or malformed project, workspace and instance ids.
import { describe, expect, it } from 'vitest';
import { PROJECT, WS, OTHER_WS, BASE, AUTH, REQUEST_ID, UUID, SCOPE_ID, HOUR, AUTO_BLOCK, AUTO_BLOCK_VERSION, I, ts, withFixtures, list, auditLogs, expectBadRequest } from './support.js';

describe('SecMaster ShowPlaybookInstance', () => {
  it('answers the bare instance object, as in the list', async () => {
    const ft = await withFixtures();
    const res = await ft.http.get(`${BASE}/instances/${I.failed}`).set(AUTH);
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toMatch(REQUEST_ID);
    expect(res.body).toEqual({
      id: I.failed,
      name: 'Auto-block brute force source-20260115160000',
      project_id: PROJECT,
      playbook: { id: AUTO_BLOCK, version_id: AUTO_BLOCK_VERSION, name: 'Auto-block brute force source', version: 'v2' },
      dataclass: { id: 'd1ab951b-1d43-4e96-9e0a-45bb5cd643ae', name: 'Alert' },
      dataobject: { id: '3ef98a06-a3e1-455c-82cf-ad789665edc5', name: 'Brute force from 113.49.47.18' },
      status: 'FAILED',
      trigger_type: 'EVENT',
      start_time: ts(-2 * HOUR),
      end_time: ts(-2 * HOUR + 35_000),
    });
    const listed = (await list(ft)).body.instances.find((i: { id: string }) => i.id === I.failed);
    expect(listed).toEqual(res.body);
  });

  it('answers 400 SecMaster.20030001 "does not exist" for an unknown id, and 403 SecMaster.20010001 in a workspace the project does not have', async () => {
    const ft = await withFixtures();
    const unknown = '11111111-2222-4333-8444-555555555555';
    expectBadRequest(await ft.http.get(`${BASE}/instances/${unknown}`).set(AUTH), 'SecMaster.20030001', `playbook instance ${unknown} does not exist`);
    const elsewhere = await ft.http.get(`/v1/${PROJECT}/workspaces/${OTHER_WS}/soc/playbooks/instances/${I.failed}`).set(AUTH);
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body).toEqual({ code: 'SecMaster.20010001', message: `workspace ${OTHER_WS} does not exist in this project` });
    expect(elsewhere.headers['x-request-id']).toMatch(REQUEST_ID);
  });

  it.each([
    ['instance_id', `${BASE}/instances/not-a-uuid`, 'SecMaster.20030001', `instance_id must match pattern "${UUID}"`],
    ['instance_id', `${BASE}/instances/${I.failed}0`, 'SecMaster.20030001', `instance_id must match pattern "${UUID}"`],
    ['project_id', `/v1/short/workspaces/${WS}/soc/playbooks/instances/${I.failed}`, 'SecMaster.20030002', `invalid project ID: must match pattern "${SCOPE_ID}"`],
    ['project_id', `/v1/${PROJECT}_x/workspaces/${WS}/soc/playbooks/instances/${I.failed}`, 'SecMaster.20030002', `invalid project ID: must match pattern "${SCOPE_ID}"`],
    ['workspace_id', `/v1/${PROJECT}/workspaces/ws-1/soc/playbooks/instances/${I.failed}`, 'SecMaster.20010001', `invalid workspace ID: must match pattern "${SCOPE_ID}"`],
    ['project_id before workspace_id and instance_id', '/v1/p/workspaces/w/soc/playbooks/instances/i', 'SecMaster.20030002', `invalid project ID: must match pattern "${SCOPE_ID}"`],
    ['workspace_id before instance_id', `/v1/${PROJECT}/workspaces/w/soc/playbooks/instances/i`, 'SecMaster.20010001', `invalid workspace ID: must match pattern "${SCOPE_ID}"`],
  ])('refuses a malformed %s with 400', async (_label, path, code, message) => {
    const ft = await withFixtures();
    expectBadRequest(await ft.http.get(path).set(AUTH), code, message);
  });

  it('refuses malformed ids the same way on the operation and topology paths', async () => {
    const ft = await withFixtures();
    expectBadRequest(await ft.http.post(`${BASE}/instances/nope/operation`).set(AUTH).send({ operation: 'TERMINATE' }), 'SecMaster.20030001', `instance_id must match pattern "${UUID}"`);
    expectBadRequest(await ft.http.get(`/v1/x/workspaces/${WS}/soc/playbooks/instances/${I.failed}/topology`).set(AUTH), 'SecMaster.20030002', `invalid project ID: must match pattern "${SCOPE_ID}"`);
    expectBadRequest(await ft.http.post(`/v1/${PROJECT}/workspaces/x/soc/playbooks/instances/auditlogs?limit=1&offset=0`).set(AUTH).send({}), 'SecMaster.20010001', `invalid workspace ID: must match pattern "${SCOPE_ID}"`);
  });
});

describe('SecMaster ShowPlaybookTopology', () => {
  it('lists the started actions of an instance, each with its action and its log', async () => {
    const ft = await withFixtures();
    const res = await ft.http.get(`${BASE}/instances/${I.terminated}/topology`).set(AUTH);
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(2);
    const [enrich, block] = res.body.action_instances;
    expect(enrich.action).toEqual({
      id: '2949dd41-411b-4998-812a-85632d014f8e',
      name: 'Enrich alert',
      description: 'Aegrus tutis quidem adiuvo causa demo caput.',
      action_type: 'AOP_WORKFLOW',
      action_id: '4ff2c35b-37a4-4b3a-b6b8-dcf4118e1814',
      playbook_id: AUTO_BLOCK,
      playbook_version_id: AUTO_BLOCK_VERSION,
      project_id: PROJECT,
    });
    expect(enrich.instance_log).toMatchObject({ action_name: 'Enrich alert', status: 'FINISHED', parent_instance_id: I.terminated });
    expect(block.instance_log).toMatchObject({ action_name: 'Block source IP', status: 'TERMINATED', start_time: ts(-HOUR + 5_000), end_time: ts(-HOUR + 10_000) });
    // The same logs as ListPlaybookAuditLogs gives.
    const audit = await auditLogs(ft, { sort_dir: 'asc' }, { parent_instance_id: I.terminated });
    expect(res.body.action_instances.map((n: { instance_log: unknown }) => n.instance_log)).toEqual(audit.body.audit_logs);
  });

  it('grows as the instance runs', async () => {
    const ft = await withFixtures();
    const topology = async () => (await ft.http.get(`${BASE}/instances/${I.running}/topology`).set(AUTH)).body;
    expect((await topology()).count).toBe(2);
    ft.clock.advance(25_000); // "Block source IP" ends 30 s after its start, 5 s ago
    const later = await topology();
    expect(later.count).toBe(3);
    expect(later.action_instances.map((n: { instance_log: { status: string } }) => n.instance_log.status)).toEqual(['FINISHED', 'FINISHED', 'RUNNING']);
  });

  it('answers 400 "does not exist" for an unknown instance', async () => {
    const ft = await withFixtures();
    const unknown = '11111111-2222-4333-8444-555555555555';
    expectBadRequest(await ft.http.get(`${BASE}/instances/${unknown}/topology`).set(AUTH), 'SecMaster.20030001', `playbook instance ${unknown} does not exist`);
  });
});
