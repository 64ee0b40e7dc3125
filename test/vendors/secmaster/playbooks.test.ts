// SecMaster playbooks and versions: list, show and filter playbooks and their versions,
// the {code, message, ...} envelopes, and the 400 answers for bad queries and ids.
import { describe, expect, it } from 'vitest';
import { PROJECT, WS, OTHER_WS, BASE, AUTH, REQUEST_ID, UUID, AUTO_BLOCK, AUTO_BLOCK_VERSION, SWEEP, SWEEP_VERSION, ts, withFixtures, expectBadRequest } from './support.js';

describe('SecMaster playbooks and versions', () => {
  const ENVELOPE = { code: '00000000', message: '' };

  it('lists playbooks in the {code, message, total, size, page, data} envelope', async () => {
    const ft = await withFixtures();
    const res = await ft.http.get(`${BASE}?limit=10&offset=0`).set(AUTH);
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toMatch(REQUEST_ID);
    expect(res.body).toMatchObject({ ...ENVELOPE, total: 2, size: 2, page: 0 });
    expect(res.body.data.map((p: { name: string }) => p.name).sort()).toEqual(['Auto-block brute force source', 'Hourly compliance sweep']);
    expect(res.body.data.find((p: { id: string }) => p.id === AUTO_BLOCK)).toEqual({
      id: AUTO_BLOCK,
      name: 'Auto-block brute force source',
      description: 'Enrich the alert, block the source IP, notify on-call.',
      create_time: ts(-864_000_000),
      update_time: ts(-864_000_000),
      project_id: PROJECT,
      version_id: AUTO_BLOCK_VERSION,
      enabled: true,
      workspace_id: WS,
      approve_role: '',
      user_role: '',
      edit_role: '',
      owner_id: 'flowtwin',
      version: 'v2',
      dataclass_name: 'Alert',
      dataclass_id: 'd1ab951b-1d43-4e96-9e0a-45bb5cd643ae',
      unaudited_version_id: '',
      reject_version_id: '',
    });
  });

  it('pages playbooks: size is the page length, page is offset / limit', async () => {
    const ft = await withFixtures();
    const all = (await ft.http.get(`${BASE}?limit=10&offset=0`).set(AUTH)).body.data as { id: string }[];
    const res = await ft.http.get(`${BASE}?limit=1&offset=1`).set(AUTH);
    expect(res.body).toMatchObject({ total: 2, size: 1, page: 1 });
    expect(res.body.data.map((p: { id: string }) => p.id)).toEqual([all[1]!.id]);
    expect((await ft.http.get(`${BASE}?limit=1&offset=2`).set(AUTH)).body).toMatchObject({ total: 2, size: 0, page: 2, data: [] });
  });

  it('lists playbooks newest create_time first, like every other list of the store', async () => {
    const ft = await withFixtures();
    const res = await ft.http.get(`${BASE}?limit=10&offset=0`).set(AUTH);
    const created = res.body.data.map((p: { create_time: string }) => p.create_time);
    expect(created).toEqual([...created].sort().reverse());
  });

  it.each([
    ['name=hourly', [SWEEP]],
    ['search_txt=BLOCK', [AUTO_BLOCK]],
    ['search_txt=every hour', [SWEEP]],
    ['description=baseline', [SWEEP]],
    ['dataclass_name=alert', [AUTO_BLOCK]],
    ['enabled=true', [AUTO_BLOCK, SWEEP]],
    ['enabled=false', []],
  ])('filters playbooks by %s', async (filter, expected) => {
    const ft = await withFixtures();
    const res = await ft.http.get(`${BASE}?limit=10&offset=0&${filter}`).set(AUTH);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(expected.length);
    expect(res.body.data.map((p: { id: string }) => p.id).sort()).toEqual([...expected].sort());
  });

  it.each([
    ['limit=10', 'offset is required'],
    ['offset=0', 'limit is required'],
    ['limit=9999&offset=1', 'limit + offset must be less than 10000, got 10000'],
    ['limit=10&offset=0&enabled=yes', 'enabled must be boolean'],
  ])('refuses playbook list query %s with 400', async (query, message) => {
    const ft = await withFixtures();
    expectBadRequest(await ft.http.get(`${BASE}?${query}`).set(AUTH), 'SecMaster.20030001', message);
  });

  it('shows a playbook in the {code, message, data} envelope, answers an unknown one without data, and refuses malformed ids', async () => {
    const ft = await withFixtures();
    const res = await ft.http.get(`${BASE}/${SWEEP}`).set(AUTH);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ...ENVELOPE, data: { id: SWEEP, name: 'Hourly compliance sweep', version_id: SWEEP_VERSION, dataclass_name: 'Resource' } });
    expect(Object.keys(res.body).sort()).toEqual(['code', 'data', 'message']);
    const unknown = '11111111-2222-4333-8444-555555555555';
    // No such playbook (or another workspace's): the envelope without data, as Huawei's Terraform provider reads it (HW-ASSUME-23).
    const missing = await ft.http.get(`${BASE}/${unknown}`).set(AUTH);
    expect(missing.status).toBe(200);
    expect(missing.text).toBe('{"code":"00000000","message":""}');
    // A workspace the project does not have is refused before any playbook is looked up (HW-ASSUME-24).
    const elsewhere = await ft.http.get(`/v1/${PROJECT}/workspaces/${OTHER_WS}/soc/playbooks/${SWEEP}`).set(AUTH);
    expect([elsewhere.status, elsewhere.body.code]).toEqual([403, 'SecMaster.20010001']);
    expectBadRequest(await ft.http.get(`${BASE}/not-a-playbook`).set(AUTH), 'SecMaster.20030001', `playbook_id must match pattern "${UUID}"`);
  });

  it("lists a playbook's versions in the {code, message, size, page, total, data} envelope", async () => {
    const ft = await withFixtures();
    const res = await ft.http.get(`${BASE}/${AUTO_BLOCK}/versions`).set(AUTH);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ...ENVELOPE, size: 1, page: 0, total: 1 });
    expect(res.body.data).toEqual([
      {
        id: AUTO_BLOCK_VERSION,
        description: 'Enrich the alert, block the source IP, notify on-call.',
        create_time: ts(-864_000_000),
        update_time: ts(-864_000_000),
        project_id: PROJECT,
        creator_id: 'flowtwin',
        modifier_id: 'flowtwin',
        playbook_id: AUTO_BLOCK,
        version: 'v2',
        enabled: true,
        status: 'PUBLISHED',
        action_strategy: 'SYNC',
        rule_enable: true,
        dataclass_id: 'd1ab951b-1d43-4e96-9e0a-45bb5cd643ae',
        trigger_type: 'EVENT',
        dataobject_create: true,
        dataobject_update: true,
        dataobject_delete: false,
        version_type: 1,
        rule_id: '',
        dataclass_name: 'Alert',
        approve_name: '',
      },
    ]);
  });

  it.each([
    ['status=PUBLISHED', 1],
    ['status=EDITING', 0],
    ['enabled=1', 1],
    ['enabled=true', 1],
    ['enabled=0', 0],
    ['enabled=false', 0],
    ['version_type=1', 1],
    ['version_type=0', 0],
    ['limit=1&offset=1', 0],
  ])('filters versions by %s', async (query, total) => {
    const ft = await withFixtures();
    const res = await ft.http.get(`${BASE}/${AUTO_BLOCK}/versions?${query}`).set(AUTH);
    expect(res.status).toBe(200);
    if (query.startsWith('limit')) {
      expect(res.body).toMatchObject({ total: 1, size: 0, page: 1, data: [] });
    } else {
      expect(res.body.total).toBe(total);
    }
  });

  it.each([
    ['version_type=2', 'version_type must be one of 0, 1'],
    ['status=published', 'status must be one of "EDITING", "APPROVING", "UNPASSED", "PUBLISHED"'],
    ['enabled=2', 'enabled must be <= 1'],
    ['limit=0', 'limit must be >= 1'],
  ])('refuses version list query %s with 400', async (query, message) => {
    const ft = await withFixtures();
    expectBadRequest(await ft.http.get(`${BASE}/${AUTO_BLOCK}/versions?${query}`).set(AUTH), 'SecMaster.20030001', message);
  });

  it('refuses the versions of an unknown playbook with 400 "does not exist"', async () => {
    const ft = await withFixtures();
    const unknown = '11111111-2222-4333-8444-555555555555';
    expectBadRequest(await ft.http.get(`${BASE}/${unknown}/versions`).set(AUTH), 'SecMaster.20030001', `playbook ${unknown} does not exist`);
  });

  it('shows a version with its actions in the {code, message, data} envelope, answers an unknown one without data, and refuses malformed ids', async () => {
    const ft = await withFixtures();
    const res = await ft.http.get(`${BASE}/versions/${SWEEP_VERSION}`).set(AUTH);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ...ENVELOPE, data: { id: SWEEP_VERSION, playbook_id: SWEEP, trigger_type: 'TIMER', rule_enable: false, rules: {} } });
    expect(res.body.data.actions.map((a: { name: string; playbook_version_id: string }) => [a.name, a.playbook_version_id])).toEqual([
      ['Scan resources', SWEEP_VERSION],
      ['Report findings', SWEEP_VERSION],
    ]);
    const unknown = '11111111-2222-4333-8444-555555555555';
    const missing = await ft.http.get(`${BASE}/versions/${unknown}`).set(AUTH);
    expect(missing.status).toBe(200);
    expect(missing.text).toBe('{"code":"00000000","message":""}');
    const elsewhere = await ft.http.get(`/v1/${PROJECT}/workspaces/${OTHER_WS}/soc/playbooks/versions/${SWEEP_VERSION}`).set(AUTH);
    expect([elsewhere.status, elsewhere.body.code]).toEqual([403, 'SecMaster.20010001']);
    expectBadRequest(await ft.http.get(`${BASE}/versions/v1`).set(AUTH), 'SecMaster.20030001', `version_id must match pattern "${UUID}"`);
    const versionsElsewhere = await ft.http.get(`/v1/${PROJECT}/workspaces/${OTHER_WS}/soc/playbooks/${SWEEP}/versions`).set(AUTH);
    expect([versionsElsewhere.status, versionsElsewhere.body.code]).toEqual([403, 'SecMaster.20010001']);
    const versionsOfUnknown = await ft.http.get(`${BASE}/${unknown}/versions`).set(AUTH);
    expectBadRequest(versionsOfUnknown, 'SecMaster.20030001', `playbook ${unknown} does not exist`);
  });

  it('takes any workspace of a project it knows none of, and a trigger adds the workspace it names (HW-ASSUME-24)', async () => {
    const ft = await withFixtures();
    const fresh = '22222222-3333-4444-8555-666666666666';
    const FRESH_PROJECT = 'fedcba9876543210fedcba9876543210';
    const open = await ft.http.get(`/v1/${FRESH_PROJECT}/workspaces/${fresh}/soc/playbooks`).set({ 'X-Auth-Token': 'MIIFany-token' }).query({ limit: 10, offset: 0 });
    expect(open.status).toBe(200);
    expect((await ft.http.get(`/v1/${PROJECT}/workspaces/${fresh}/soc/playbooks`).set(AUTH).query({ limit: 10, offset: 0 })).status).toBe(403);
    const started = await ft.http.post('/__flowtwin/secmaster/trigger').send({ project_id: PROJECT, workspace_id: fresh });
    expect(started.status).toBe(201);
    const listed = await ft.http.get(`/v1/${PROJECT}/workspaces/${fresh}/soc/playbooks`).set(AUTH).query({ limit: 10, offset: 0 });
    expect([listed.status, listed.body.total]).toEqual([200, 1]);
    expect((await ft.http.get(`${BASE}`).set(AUTH).query({ limit: 10, offset: 0 })).status).toBe(200);
  });
});
