// SecMaster ListPlaybookAuditLogs: one log per started action, exact filters, sorting, paging,
// and the 400 answers for bad queries and filter bodies.
import { describe, expect, it } from 'vitest';
import { type Res, BASE, AUTH, UUID, HOUR, I, ts, withFixtures, auditLogs, expectBadRequest, dataobjectOf } from './support.js';

describe('SecMaster ListPlaybookAuditLogs', () => {
  type Log = Record<string, string>;
  const logs = (res: Res) => res.body.audit_logs as Log[];

  it('lists one log per started action of every instance, newest start first by default', async () => {
    const ft = await withFixtures();
    const res = await auditLogs(ft, {}, {});
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['audit_logs', 'count']);
    // finished 3, failed 2, retried 4 (its failed attempt stays), terminated 2, running 2, hanging 3
    expect(res.body.count).toBe(16);
    const starts = logs(res).map((l) => l.start_time);
    expect([...starts].sort().reverse()).toEqual(starts);
    expect(logs(res)[0]).toMatchObject({ parent_instance_id: I.running, action_name: 'Block source IP', status: 'RUNNING', end_time: '', start_time: ts(-5_000) });
  });

  it('lists everything without a body, as with {}', async () => {
    const ft = await withFixtures();
    const res = await auditLogs(ft);
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(16);
  });

  it("gives one instance's logs with their fields, by parent_instance_id", async () => {
    const ft = await withFixtures();
    const res = await auditLogs(ft, { sort_dir: 'asc' }, { parent_instance_id: I.failed });
    expect(res.body.count).toBe(2);
    const [enrich, block] = logs(res);
    expect(enrich).toEqual({
      // The action's type, a value Huawei's Terraform provider documents (HW-ASSUME-26).
      instance_type: 'AOP_WORKFLOW',
      action_id: '2949dd41-411b-4998-812a-85632d014f8e',
      action_name: 'Enrich alert',
      instance_id: expect.stringMatching(new RegExp(UUID)),
      parent_instance_id: I.failed,
      log_level: 'INFO',
      // The data object the run works on, as JSON text (HW-ASSUME-26).
      input: JSON.stringify(dataobjectOf(I.failed)),
      output: '{"result":"success"}',
      error_msg: '',
      start_time: ts(-2 * HOUR),
      end_time: ts(-2 * HOUR + 5_000),
      status: 'FINISHED',
      trigger_type: 'EVENT',
    });
    expect(JSON.parse(enrich!.input!)).toEqual({ id: expect.stringMatching(new RegExp(UUID)), name: expect.stringMatching(/^Brute force from /) });
    expect(block).toMatchObject({ input: enrich!.input, action_name: 'Block source IP', status: 'FAILED', log_level: 'ERROR', error_msg: 'action Block source IP failed', output: '{}', end_time: ts(-2 * HOUR + 35_000) });
  });

  it.each([
    [{ status: 'FAILED' }, 2],
    [{ status: 'RUNNING' }, 2],
    [{ status: 'TERMINATED' }, 1],
    [{ status: 'FINISHED' }, 11],
    [{ action_name: 'Notify on-call' }, 3],
    [{ action_name: 'Block source IP', status: 'TERMINATED' }, 1],
    [{ log_level: 'ERROR' }, 2],
    [{ instance_type: 'AOP_WORKFLOW' }, 16],
    // Values Huawei documents that no entry of flowtwin's has (HW-ASSUME-14, HW-ASSUME-26).
    [{ instance_type: 'PLAYBOOK' }, 0],
    [{ instance_type: 'SCRIPT' }, 0],
    [{ instance_type: 'ACTION' }, 0],
    [{ log_level: 'INFO' }, 14],
    [{ trigger_type: 'EVENT' }, 16],
    [{ action_id: 'd4bf633e-52e4-462b-95e9-02766a12fd1e' }, 3],
    [{ status: 'finished' }, 0],
    [{ input: 'ignored', output: 'ignored', error_msg: 'ignored', start_time: 'x', end_time: 'y' }, 16],
    [{ unknown_field: 'ignored' }, 16],
  ])('filters exactly by %o', async (filter, count) => {
    const ft = await withFixtures();
    const res = await auditLogs(ft, {}, filter);
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(count);
    for (const log of logs(res)) for (const [k, v] of Object.entries(filter)) if (!['input', 'output', 'error_msg', 'start_time', 'end_time', 'unknown_field'].includes(k)) expect(log[k]).toBe(v);
  });

  it('filters by trigger_type TIMER once the scheduled playbook ran, and EVENT leaves its runs out', async () => {
    const ft = await withFixtures();
    // The TIMER playbook's first tick is an hour after loading; its first action takes a minute.
    ft.clock.advance(HOUR + 61_000);
    const timer = await auditLogs(ft, { sort_dir: 'asc' }, { trigger_type: 'TIMER' });
    expect(timer.body.count).toBe(2);
    expect(logs(timer).map((l) => [l.action_name, l.status, l.trigger_type, l.instance_type])).toEqual([
      ['Scan resources', 'FINISHED', 'TIMER', 'AOP_WORKFLOW'],
      ['Report findings', 'RUNNING', 'TIMER', 'AOP_WORKFLOW'],
    ]);
    const event = await auditLogs(ft, {}, { trigger_type: 'EVENT' });
    // 16 as loaded, and the run that was in its second action has started its third meanwhile.
    expect(event.body.count).toBe(17);
    expect(new Set(logs(event).map((l) => l.trigger_type))).toEqual(new Set(['EVENT']));
  });

  it('sorts by sort_key start_time or end_time in sort_dir asc or desc', async () => {
    const ft = await withFixtures();
    const asc = logs(await auditLogs(ft, { sort_key: 'start_time', sort_dir: 'asc' }, {}));
    expect(asc[0]).toMatchObject({ parent_instance_id: I.finished, action_name: 'Enrich alert', start_time: ts(-3 * HOUR) });
    expect(asc.map((l) => l.start_time)).toEqual([...asc.map((l) => l.start_time)].sort());
    const byEnd = logs(await auditLogs(ft, { sort_key: 'end_time', sort_dir: 'desc' }, {}));
    const ends = byEnd.map((l) => l.end_time);
    expect(ends).toEqual([...ends].sort().reverse());
    // Still-running actions have end_time "", which sorts last in desc and first in asc.
    expect(ends.slice(-2)).toEqual(['', '']);
    const byEndAsc = logs(await auditLogs(ft, { sort_key: 'end_time', sort_dir: 'asc' }, {}));
    expect(byEndAsc.slice(0, 2).map((l) => l.end_time)).toEqual(['', '']);
  });

  it('pages with limit and offset, count staying the total', async () => {
    const ft = await withFixtures();
    const all = logs(await auditLogs(ft, {}, {}));
    const page = await auditLogs(ft, { limit: 5, offset: 10 }, {});
    expect(page.body.count).toBe(16);
    expect(logs(page)).toEqual(all.slice(10, 15));
    expect(logs(await auditLogs(ft, { limit: 5, offset: 15 }, {}))).toEqual(all.slice(15));
    expect(logs(await auditLogs(ft, { limit: 5, offset: 16 }, {}))).toEqual([]);
  });

  it.each([
    [{ sort_key: 'name' }, 'sort_key must be one of "start_time", "end_time"'],
    [{ sort_dir: 'DESC' }, 'sort_dir must be one of "asc", "desc"'],
    [{ limit: 9999, offset: 1 }, 'limit + offset must be less than 10000, got 10000'],
    [{ limit: 0 }, 'limit must be >= 1'],
    [{ offset: -1 }, 'offset must be >= 0'],
    [{ limit: 'abc' }, 'limit must be integer'],
  ])('refuses %o with 400', async (query, message) => {
    const ft = await withFixtures();
    expectBadRequest(await auditLogs(ft, query, {}), 'SecMaster.20030001', message);
  });

  it('refuses missing limit or offset with 400', async () => {
    const ft = await withFixtures();
    expectBadRequest(await ft.http.post(`${BASE}/instances/auditlogs?offset=0`).set(AUTH).send({}), 'SecMaster.20030001', 'limit is required');
    expectBadRequest(await ft.http.post(`${BASE}/instances/auditlogs?limit=10`).set(AUTH).send({}), 'SecMaster.20030001', 'offset is required');
  });

  it('refuses a filter body that is not JSON, not an object, or has a non-string field', async () => {
    const ft = await withFixtures();
    const url = `${BASE}/instances/auditlogs?limit=10&offset=0`;
    expectBadRequest(await ft.http.post(url).set(AUTH).set('content-type', 'application/json').send('{"status":'), 'SecMaster.20030001', /^the request body is not valid JSON/);
    expectBadRequest(await ft.http.post(url).set(AUTH).send([]), 'SecMaster.20030001', 'the body must be object');
    expectBadRequest(await ft.http.post(url).set(AUTH).send({ status: 1 }), 'SecMaster.20030001', 'field /status must be string');
  });
});
