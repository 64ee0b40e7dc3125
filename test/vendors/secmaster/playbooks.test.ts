// SecMaster playbooks and versions: list, show and filter playbooks and their versions,
// the {code, message, ...} envelopes, and the 400 answers for bad queries and ids.
import { describe, expect, it } from 'vitest';
import {
  PROJECT,
  WS,
  OTHER_WS,
  BASE,
  AUTH,
  REQUEST_ID,
  UUID,
  AUTO_BLOCK,
  AUTO_BLOCK_VERSION,
  AUTO_BLOCK_V1,
  AUTO_BLOCK_V3,
  AUTO_BLOCK_V4,
  RETIRED,
  RETIRED_VERSION,
  RETIRED_V2,
  SWEEP,
  SWEEP_VERSION,
  ts,
  withFixtures,
  expectBadRequest,
} from './support.js';

const DAY = 86_400_000;

describe('SecMaster playbooks and versions', () => {
  const ENVELOPE = { code: '00000000', message: '' };

  it('lists playbooks in the {code, message, total, size, page, data} envelope', async () => {
    const ft = await withFixtures();
    const res = await ft.http.get(`${BASE}?limit=10&offset=0`).set(AUTH);
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toMatch(REQUEST_ID);
    expect(res.body).toMatchObject({ ...ENVELOPE, total: 3, size: 3, page: 0 });
    expect(res.body.data.map((p: { name: string }) => p.name).sort()).toEqual(['Auto-block brute force source', 'Hourly compliance sweep', 'Quarantine infected host']);
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
      approve_role: 'secmaster_approver',
      user_role: 'secmaster_operator',
      edit_role: 'secmaster_editor',
      owner_id: 'd0d79638f9e746eea120b9f3307ccec4',
      version: 'v2',
      dataclass_name: 'Alert',
      dataclass_id: 'd1ab951b-1d43-4e96-9e0a-45bb5cd643ae',
      // Its v3 awaits review; none of its versions was rejected (HW-ASSUME-25).
      unaudited_version_id: AUTO_BLOCK_V3,
      reject_version_id: '',
    });
    expect(res.body.data.find((p: { id: string }) => p.id === RETIRED)).toMatchObject({
      enabled: false,
      version_id: RETIRED_VERSION,
      approve_role: '',
      unaudited_version_id: '',
      reject_version_id: RETIRED_V2,
    });
  });

  it('pages playbooks: size is the page length, page is offset / limit', async () => {
    const ft = await withFixtures();
    const all = (await ft.http.get(`${BASE}?limit=10&offset=0`).set(AUTH)).body.data as { id: string }[];
    const res = await ft.http.get(`${BASE}?limit=1&offset=1`).set(AUTH);
    expect(res.body).toMatchObject({ total: 3, size: 1, page: 1 });
    expect(res.body.data.map((p: { id: string }) => p.id)).toEqual([all[1]!.id]);
    expect((await ft.http.get(`${BASE}?limit=2&offset=2`).set(AUTH)).body).toMatchObject({ total: 3, size: 1, page: 1 });
    expect((await ft.http.get(`${BASE}?limit=1&offset=3`).set(AUTH)).body).toMatchObject({ total: 3, size: 0, page: 3, data: [] });
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
    ['dataclass_name=INCIDENT', [RETIRED]],
    ['enabled=true', [AUTO_BLOCK, SWEEP]],
    ['enabled=false', [RETIRED]],
    ['enabled=false&name=auto', []],
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
    expect(res.body).toMatchObject({ ...ENVELOPE, size: 4, page: 0, total: 4 });
    // Newest first, like every list; only the version that runs is enabled (HW-ASSUME-25).
    expect(res.body.data.map((v: { id: string; version: string; status: string; version_type: number; enabled: boolean }) => [v.id, v.version, v.status, v.version_type, v.enabled])).toEqual([
      [AUTO_BLOCK_V4, 'v4', 'EDITING', 0, false],
      [AUTO_BLOCK_V3, 'v3', 'APPROVING', 0, false],
      [AUTO_BLOCK_VERSION, 'v2', 'PUBLISHED', 1, true],
      [AUTO_BLOCK_V1, 'v1', 'PUBLISHED', 1, false],
    ]);
    expect(res.body.data[2]).toEqual({
      id: AUTO_BLOCK_VERSION,
      description: 'Blocks the source once it failed more than five logins.',
      create_time: ts(-6 * DAY),
      update_time: ts(-6 * DAY),
      project_id: PROJECT,
      creator_id: 'eba01679870648bfa53c815eea58af5f',
      modifier_id: '9f95f74258344fff82bc94ac624265d1',
      playbook_id: AUTO_BLOCK,
      version: 'v2',
      enabled: true,
      status: 'PUBLISHED',
      action_strategy: 'ASYNC',
      rule_enable: true,
      dataclass_id: 'd1ab951b-1d43-4e96-9e0a-45bb5cd643ae',
      trigger_type: 'EVENT',
      dataobject_create: true,
      dataobject_update: true,
      dataobject_delete: false,
      version_type: 1,
      rule_id: 'd7bd3129-5f70-4b60-a624-8f376f562b4b',
      dataclass_name: 'Alert',
      approve_name: 'Giles Haag II',
    });
    // A version the fixtures say little about: the creator modified it, SYNC, no reviewer; the running version's rule.
    expect(res.body.data[3]).toMatchObject({ creator_id: 'flowtwin', modifier_id: 'flowtwin', create_time: ts(-10 * DAY), rule_enable: true, approve_name: '' });
  });

  it.each([
    [AUTO_BLOCK, 'status=PUBLISHED', [AUTO_BLOCK_VERSION, AUTO_BLOCK_V1]],
    [AUTO_BLOCK, 'status=EDITING', [AUTO_BLOCK_V4]],
    [AUTO_BLOCK, 'status=APPROVING', [AUTO_BLOCK_V3]],
    [AUTO_BLOCK, 'status=UNPASSED', []],
    [RETIRED, 'status=UNPASSED', [RETIRED_V2]],
    [AUTO_BLOCK, 'enabled=1', [AUTO_BLOCK_VERSION]],
    [AUTO_BLOCK, 'enabled=true', [AUTO_BLOCK_VERSION]],
    [AUTO_BLOCK, 'enabled=0', [AUTO_BLOCK_V4, AUTO_BLOCK_V3, AUTO_BLOCK_V1]],
    [AUTO_BLOCK, 'enabled=false', [AUTO_BLOCK_V4, AUTO_BLOCK_V3, AUTO_BLOCK_V1]],
    // A disabled playbook's versions are all disabled, the one it would run too.
    [RETIRED, 'enabled=1', []],
    [RETIRED, 'enabled=0', [RETIRED_V2, RETIRED_VERSION]],
    [AUTO_BLOCK, 'version_type=1', [AUTO_BLOCK_VERSION, AUTO_BLOCK_V1]],
    [AUTO_BLOCK, 'version_type=0', [AUTO_BLOCK_V4, AUTO_BLOCK_V3]],
    [AUTO_BLOCK, 'version_type=1&enabled=0', [AUTO_BLOCK_V1]],
  ])('filters the versions of %s by %s', async (playbook, query, expected) => {
    const ft = await withFixtures();
    const res = await ft.http.get(`${BASE}/${playbook}/versions?${query}`).set(AUTH);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(expected.length);
    expect(res.body.data.map((v: { id: string }) => v.id)).toEqual(expected);
  });

  it('pages versions: size is the page length, total all matches', async () => {
    const ft = await withFixtures();
    const res = await ft.http.get(`${BASE}/${AUTO_BLOCK}/versions?limit=1&offset=1`).set(AUTH);
    expect(res.body).toMatchObject({ total: 4, size: 1, page: 1 });
    expect(res.body.data.map((v: { id: string }) => v.id)).toEqual([AUTO_BLOCK_V3]);
    expect((await ft.http.get(`${BASE}/${AUTO_BLOCK}/versions?limit=2&offset=4`).set(AUTH)).body).toMatchObject({ total: 4, size: 0, page: 2, data: [] });
  });

  it("shows a version's trigger rule as the JSON text Huawei's Terraform provider reads, and {} for a version without one", async () => {
    const ft = await withFixtures();
    const res = await ft.http.get(`${BASE}/versions/${AUTO_BLOCK_VERSION}`).set(AUTH);
    expect(res.body.data).toMatchObject({ rule_enable: true, rule_id: 'd7bd3129-5f70-4b60-a624-8f376f562b4b' });
    expect(res.body.data.rules).toEqual({ id: 'd7bd3129-5f70-4b60-a624-8f376f562b4b', project_id: PROJECT, rule: expect.any(String) });
    const rule = JSON.parse(res.body.data.rules.rule);
    expect(Object.keys(rule)).toEqual(['expression_type', 'conditions', 'logics']);
    expect(rule.expression_type).toBe('common');
    expect(rule.conditions.map((c: { name: string; data: string[] }) => [c.name, c.data])).toEqual([
      ['condition_0', ['alert.severity', '>=', '3']],
      ['condition_1', ['alert.type', '=', 'brute_force']],
    ]);
    expect(rule.logics).toEqual(['condition_0', 'AND', 'condition_1']);
    const retired = await ft.http.get(`${BASE}/versions/${RETIRED_VERSION}`).set(AUTH);
    expect(retired.body.data).toMatchObject({ enabled: false, dataobject_create: false, dataobject_update: true, dataobject_delete: true, action_strategy: 'SYNC' });
    const sweep = await ft.http.get(`${BASE}/versions/${SWEEP_VERSION}`).set(AUTH);
    expect(sweep.body.data).toMatchObject({ rule_enable: false, rule_id: '', rules: {} });
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
