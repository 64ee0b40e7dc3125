// SecMaster ListPlaybookInstances through the HTTP app: paging and its limits, every filter
// (status, names, trigger type, dates), and their combination, over the default fixtures.
import { describe, expect, it } from 'vitest';
import { BASE, AUTH, REQUEST_ID, HOUR, I, NEWEST_FIRST, STATUS_OF, ts, ids, withFixtures, list, expectBadRequest } from './support.js';

const DATE_PATTERN = String.raw`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:(?:\.\d{3})?Z[+-]\d{4}|\.\d{3}[+-]\d{2}:\d{2})$`;

describe('SecMaster ListPlaybookInstances: paging', () => {
  it('lists every instance of the workspace newest first, count being all of them', async () => {
    const ft = await withFixtures();
    const res = await list(ft);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['x-request-id']).toMatch(REQUEST_ID);
    expect(Object.keys(res.body).sort()).toEqual(['count', 'instances']);
    expect(res.body.count).toBe(6);
    expect(ids(res)).toEqual(NEWEST_FIRST);
    expect(res.body.instances.map((i: { status: string }) => i.status)).toEqual(NEWEST_FIRST.map((id) => STATUS_OF[id]));
    const starts = res.body.instances.map((i: { start_time: string }) => i.start_time);
    expect([...starts].sort().reverse()).toEqual(starts);
  });

  it.each([
    [{ limit: 2, offset: 0 }, NEWEST_FIRST.slice(0, 2)],
    [{ limit: 2, offset: 2 }, NEWEST_FIRST.slice(2, 4)],
    [{ limit: 4, offset: 4 }, NEWEST_FIRST.slice(4)],
    [{ limit: 10, offset: 6 }, []],
    [{ limit: 9999, offset: 0 }, NEWEST_FIRST],
    [{ limit: 1, offset: 9998 }, []],
  ])('pages with %o, count staying the total', async (query, expected) => {
    const ft = await withFixtures();
    const res = await list(ft, query);
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(6);
    expect(ids(res)).toEqual(expected);
  });

  it('counts the filtered total, not the page', async () => {
    const ft = await withFixtures();
    const res = await list(ft, { status: 'RUNNING', limit: 1, offset: 0 });
    expect(res.body.count).toBe(2);
    expect(ids(res)).toEqual([I.running]);
  });

  it.each([
    ['limit=9999&offset=1', 'limit + offset must be less than 10000, got 10000'],
    ['limit=5000&offset=5000', 'limit + offset must be less than 10000, got 10000'],
    ['limit=9000&offset=9998', 'limit + offset must be less than 10000, got 18998'],
    ['offset=0', 'limit is required'],
    ['limit=10', 'offset is required'],
    ['', 'limit is required'],
    ['limit=&offset=0', 'limit is required'],
    ['limit=0&offset=0', 'limit must be >= 1'],
    ['limit=10000&offset=0', 'limit must be <= 9999'],
    ['limit=10&offset=-1', 'offset must be >= 0'],
    ['limit=10&offset=9999', 'offset must be <= 9998'],
    ['limit=abc&offset=0', 'limit must be integer'],
    ['limit=1.5&offset=0', 'limit must be integer'],
    ['limit=10&offset=ten', 'offset must be integer'],
    ['limit=10&limit=20&offset=0', 'limit must be integer'],
  ])('refuses %s with 400 SecMaster.20030001', async (query, message) => {
    const ft = await withFixtures();
    expectBadRequest(await list(ft, query), 'SecMaster.20030001', message);
  });
});

describe('SecMaster ListPlaybookInstances: filters', () => {
  it.each([
    ['RUNNING', [I.running, I.hanging]],
    ['FINISHED', [I.retried, I.finished]],
    ['FAILED', [I.failed]],
    ['TERMINATED', [I.terminated]],
    ['RETRYING', []],
    ['TERMINATING', []],
  ])('filters status=%s', async (status, expected) => {
    const ft = await withFixtures();
    const res = await list(ft, { status });
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(expected.length);
    expect(ids(res)).toEqual(expected);
  });

  it.each(['Failed', 'Retrying', 'Terminated', 'running', 'SUCCEEDED'])('refuses status=%s (not one of the six upper-case values) with 400', async (status) => {
    const ft = await withFixtures();
    expectBadRequest(await list(ft, { status }), 'SecMaster.20030001', 'status must be one of "RUNNING", "FINISHED", "FAILED", "RETRYING", "TERMINATING", "TERMINATED"');
  });

  it('filters name as a case-insensitive substring of the instance name', async () => {
    const ft = await withFixtures();
    const finished = await ft.http.get(`${BASE}/instances/${I.finished}`).set(AUTH);
    expect(finished.body.name).toBe('Auto-block brute force source-20260115150000');
    expect(ids(await list(ft, { name: '20260115150000' }))).toEqual([I.finished]);
    expect((await list(ft, { name: 'AUTO-BLOCK BRUTE' })).body.count).toBe(6);
    expect((await list(ft, { name: 'nothing like it' })).body).toEqual({ count: 0, instances: [] });
  });

  it('filters playbook_name and dataclass_name as case-insensitive substrings', async () => {
    const ft = await withFixtures();
    ft.clock.advance(HOUR); // the first run of the hourly TIMER playbook (data class Resource)
    expect((await list(ft, { playbook_name: 'auto-block' })).body.count).toBe(6);
    const sweep = await list(ft, { playbook_name: 'HOURLY compliance' });
    expect(sweep.body.count).toBe(1);
    expect(sweep.body.instances[0].playbook.name).toBe('Hourly compliance sweep');
    expect((await list(ft, { dataclass_name: 'alert' })).body.count).toBe(6);
    expect((await list(ft, { dataclass_name: 'resour' })).body.count).toBe(1);
    expect((await list(ft, { dataclass_name: 'Alert', playbook_name: 'Hourly' })).body.count).toBe(0);
  });

  it('filters dataobject_name as a case-insensitive substring', async () => {
    const ft = await withFixtures();
    expect(ids(await list(ft, { dataobject_name: '47.239.164' }))).toEqual([I.finished]);
    expect((await list(ft, { dataobject_name: 'BRUTE FORCE FROM' })).body.count).toBe(6);
  });

  it('refuses a text filter over 64 characters', async () => {
    const ft = await withFixtures();
    expectBadRequest(await list(ft, { name: 'x'.repeat(65) }), 'SecMaster.20030001', 'name must NOT have more than 64 characters');
    expectBadRequest(await list(ft, { dataobject_name: 'x'.repeat(65) }), 'SecMaster.20030001', 'dataobject_name must NOT have more than 64 characters');
  });

  it('filters trigger_type, and refuses a value that is not a trigger type', async () => {
    const ft = await withFixtures();
    ft.clock.advance(2 * HOUR);
    expect((await list(ft, { trigger_type: 'EVENT' })).body.count).toBe(6);
    const timer = await list(ft, { trigger_type: 'TIMER' });
    expect(timer.body.count).toBe(2);
    expect(timer.body.instances.every((i: { trigger_type: string }) => i.trigger_type === 'TIMER')).toBe(true);
    // HW-DRIFT-4: DEBUG and MANUAL belong to AOP workflow instances in the current SDKs, not playbook instances.
    for (const value of ['timer', 'MANUAL', 'DEBUG']) {
      expectBadRequest(await list(ft, { trigger_type: value }), 'SecMaster.20030001', 'trigger_type must be one of "TIMER", "EVENT"');
    }
  });

  it('filters from_date/to_date on the start time by default and with date_type=START, both ends included', async () => {
    const ft = await withFixtures();
    const oneHourAgo = ts(-HOUR); // the terminated instance started exactly then
    expect(ids(await list(ft, { from_date: oneHourAgo }))).toEqual([I.running, I.hanging, I.terminated]);
    expect(ids(await list(ft, { from_date: oneHourAgo, date_type: 'START' }))).toEqual([I.running, I.hanging, I.terminated]);
    expect(ids(await list(ft, { to_date: oneHourAgo, date_type: 'START' }))).toEqual([I.terminated, I.retried, I.failed, I.finished]);
    expect(ids(await list(ft, { from_date: ts(-2 * HOUR), to_date: ts(-HOUR - 1) }))).toEqual([I.retried, I.failed]);
  });

  it('filters on the end time (the latest status change) with date_type=END', async () => {
    const ft = await withFixtures();
    // 80 min ago: the retried instance started 90 min ago but finished 79.5 min ago.
    const from = ts(-80 * 60_000);
    expect(ids(await list(ft, { from_date: from, date_type: 'START' }))).toEqual([I.running, I.hanging, I.terminated]);
    expect(ids(await list(ft, { from_date: from, date_type: 'END' }))).toEqual([I.running, I.hanging, I.terminated, I.retried]);
    const retried = await ft.http.get(`${BASE}/instances/${I.retried}`).set(AUTH);
    expect(retried.body.end_time).toBe(ts(-4_800_000 + 1_000 + 32_000));
  });

  it('reads the offset of from_date: 17:00 at +0800 is 09:00 UTC', async () => {
    const ft = await withFixtures();
    expect(ids(await list(ft, { from_date: '2026-01-15T17:00:00.000Z+0800' }))).toEqual([I.running, I.hanging, I.terminated]);
    expect(ids(await list(ft, { to_date: '2026-01-15T04:00:00.000Z-0500' }))).toEqual([I.terminated, I.retried, I.failed, I.finished]);
  });

  it('reads the three formats Huawei\'s Terraform provider documents alike: with and without milliseconds, and ISO 8601', async () => {
    const ft = await withFixtures();
    const expected = ids(await list(ft, { from_date: '2026-01-15T17:00:00.000Z+0800' }));
    expect(expected.length).toBeGreaterThan(0);
    for (const from_date of ['2026-01-15T17:00:00Z+0800', '2026-01-15T17:00:00.000+08:00', '2026-01-15T09:00:00.000Z+0000', '2026-01-15T04:00:00.000-05:00']) {
      expect(ids(await list(ft, { from_date })), from_date).toEqual(expected);
    }
  });

  it.each([
    ['from_date', '2026-01-15T09:00:00Z'],
    ['from_date', '2026-01-15T09:00:00.000Z'],
    ['from_date', '2026-01-15T09:00:00+08:00'],
    ['from_date', '2026-01-15 09:00:00.000Z+0000'],
    ['to_date', 'yesterday'],
  ])('refuses a malformed %s (%s) with 400', async (name, value) => {
    const ft = await withFixtures();
    expectBadRequest(await list(ft, { [name]: value }), 'SecMaster.20030001', `${name} must match pattern "${DATE_PATTERN}"`);
  });

  it.each([['2026-13-15T09:00:00.000Z+0800'], ['2026-01-15T24:00:00.000Z+0800'], ['2026-01-15T09:00:00.000+25:00'], ['2026-02-31T09:00:00.000Z+0800']])(
    'refuses a from_date of the right shape that is no time (%s) with 400',
    async (from_date) => {
      const ft = await withFixtures();
      expectBadRequest(await list(ft, { from_date }), 'SecMaster.20030001', 'from_date must look like 2026-01-15T10:00:00.000Z+0800');
    },
  );

  it('refuses a from_date whose "+" was not encoded as %2B (it arrives as a space)', async () => {
    const ft = await withFixtures();
    const res = await ft.http.get(`${BASE}/instances?limit=10&offset=0&from_date=2026-01-15T09:00:00.000Z+0000`).set(AUTH);
    expectBadRequest(res, 'SecMaster.20030001', /^from_date must match pattern/);
  });

  it('refuses a date_type other than START or END', async () => {
    const ft = await withFixtures();
    expectBadRequest(await list(ft, { date_type: 'CREATED' }), 'SecMaster.20030001', 'date_type must be one of "START", "END"');
  });

  it('combines every filter', async () => {
    const ft = await withFixtures();
    const res = await list(ft, { status: 'FINISHED', playbook_name: 'auto', dataclass_name: 'alert', trigger_type: 'EVENT', from_date: ts(-2 * HOUR), dataobject_name: 'brute' });
    expect(ids(res)).toEqual([I.retried]);
  });
});
