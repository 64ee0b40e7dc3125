// SecMaster TIMER playbooks over virtual time: one run per hour of the hourly sweep, its progress,
// runs created once however they are read, and operations on a timer run.
import { describe, expect, it } from 'vitest';
import { type Ft, BASE, AUTH, HOUR, SWEEP_VERSION, ts, withFixtures, list, auditLogs } from './support.js';

describe('SecMaster TIMER playbooks', () => {
  const sweep = (ft: Ft) => list(ft, { playbook_name: 'Hourly compliance sweep' });

  it('have no runs when the fixtures load', async () => {
    const ft = await withFixtures();
    expect((await sweep(ft)).body).toEqual({ count: 0, instances: [] });
  });

  it.each([1, 3, 5])('have %i runs, one per hour, after the clock advances that many hours; all but the newest finished', async (n) => {
    const ft = await withFixtures();
    ft.clock.advance(n * HOUR);
    const res = await sweep(ft);
    expect(res.body.count).toBe(n);
    const runs = res.body.instances as { name: string; status: string; trigger_type: string; start_time: string; end_time: string; playbook: { version_id: string } }[];
    // Newest first: the run that started just now is running, the earlier ones have finished.
    expect(runs.map((r) => r.start_time)).toEqual(Array.from({ length: n }, (_, i) => ts((n - i) * HOUR)));
    expect(runs.map((r) => r.status)).toEqual(['RUNNING', ...Array<string>(n - 1).fill('FINISHED')]);
    expect(runs.every((r) => r.trigger_type === 'TIMER' && r.playbook.version_id === SWEEP_VERSION)).toBe(true);
    const first = runs[n - 1]!;
    expect(first.name).toBe('Hourly compliance sweep-20260115190000');
    if (n > 1) expect(first.end_time).toBe(ts(HOUR + 65_000)); // 60 s scan + 5 s report
  });

  it('progress: the first run is RUNNING at its start and FINISHED 65 s later, with both actions logged', async () => {
    const ft = await withFixtures();
    ft.clock.advance(HOUR);
    const [run] = (await sweep(ft)).body.instances as { id: string; status: string }[];
    expect(run!.status).toBe('RUNNING');
    ft.clock.advance(65_000);
    const shown = await ft.http.get(`${BASE}/instances/${run!.id}`).set(AUTH);
    expect(shown.body).toMatchObject({ status: 'FINISHED', end_time: ts(HOUR + 65_000) });
    const logs = await auditLogs(ft, { sort_dir: 'asc' }, { parent_instance_id: run!.id });
    expect(logs.body.audit_logs.map((l: { action_name: string; status: string }) => `${l.action_name} ${l.status}`)).toEqual(['Scan resources FINISHED', 'Report findings FINISHED']);
  });

  it('create each run once, however often and however they are read', async () => {
    const ft = await withFixtures();
    ft.clock.advance(2 * HOUR);
    const reads = await Promise.all([sweep(ft), sweep(ft), auditLogs(ft, {}, {}), sweep(ft)]);
    expect(reads.every((r) => r.status === 200)).toBe(true);
    expect((await sweep(ft)).body.count).toBe(2);
    ft.clock.advance(HOUR);
    expect((await sweep(ft)).body.count).toBe(3);
    expect((await list(ft)).body.count).toBe(9);
  });

  it('can be operated on like any instance: TERMINATE a running timer run', async () => {
    const ft = await withFixtures();
    ft.clock.advance(HOUR);
    const [run] = (await sweep(ft)).body.instances as { id: string }[];
    const res = await ft.http.post(`${BASE}/instances/${run!.id}/operation`).set(AUTH).send({ operation: 'TERMINATE' });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('TERMINATING');
  });
});
