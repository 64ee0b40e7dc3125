// ListPlaybookInstances picks how to read (the start index, a status's entries, a walk, a scan) by
// cost; whichever it picks, a date filter must mean the same dates and ties the same order. These
// examples pin the cases a random query rarely hits: end-date windows, a status with a window,
// and instances that share one millisecond.
import { describe, expect, it } from 'vitest';
import { parseSmDate } from '../../../src/vendors/secmaster/time.js';
import { MemoryStore } from '../../../src/store/memory.js';
import type { InstanceData } from '../../../src/engine/instances.js';
import { INSTANCE_KIND, type SecMasterInstanceAttrs } from '../../../src/vendors/secmaster/model.js';
import { AUTH, BASE, I, ids, list, PROJECT, withFixtures, type Ft } from './support.js';

/** SecMaster's date string for a time in ms (the format the instances carry). */
const smDate = (ms: number) => `${new Date(ms + 8 * 3_600_000).toISOString()}+0800`;

async function times(ft: Ft, id: string): Promise<{ start: number; end: number }> {
  const res = await ft.http.get(`${BASE}/instances/${id}`).set(AUTH);
  return { start: parseSmDate(res.body.start_time)!, end: parseSmDate(res.body.end_time)! };
}

describe('SecMaster ListPlaybookInstances date windows and ties', () => {
  it('filters by end time with date_type=END and by start time otherwise, with or without a status', async () => {
    const ft = await withFixtures();
    const { start, end } = await times(ft, I.finished);
    expect(end - start).toBeGreaterThan(2000);
    // A window that holds the finished run's end but not its start (nor any other run's start or end).
    const window = { from_date: smDate(end - 1000), to_date: smDate(end + 1000) };
    expect(ids(await list(ft, { ...window, date_type: 'END' }))).toEqual([I.finished]);
    expect(ids(await list(ft, { ...window, date_type: 'END', status: 'FINISHED' }))).toEqual([I.finished]);
    expect(ids(await list(ft, { ...window, date_type: 'END', to_date: smDate(end - 1) }))).toEqual([]);
    expect((await list(ft, { ...window, date_type: 'END', status: 'FINISHED' })).body.count).toBe(1);
    expect(ids(await list(ft, window))).toEqual([]);
    expect(ids(await list(ft, { ...window, status: 'FINISHED' }))).toEqual([]);
    expect((await list(ft, { ...window, status: 'FINISHED' })).body.count).toBe(0);

    // A window around its start: START finds it, END does not.
    const around = { from_date: smDate(start - 1000), to_date: smDate(start + 1000) };
    expect(ids(await list(ft, { ...around, status: 'FINISHED' }))).toEqual([I.finished]);
    expect((await list(ft, { ...around, status: 'FINISHED' })).body.count).toBe(1);
    expect(ids(await list(ft, { ...around, date_type: 'END', status: 'FINISHED' }))).toEqual([]);
  });

  it('counts a status inside a start window, not the status overall', async () => {
    const ft = await withFixtures();
    const finished = await times(ft, I.finished);
    const retried = await times(ft, I.retried);
    expect((await list(ft, { status: 'FINISHED' })).body.count).toBe(2);
    // Only the retried run started after the first finished one.
    const res = await list(ft, { status: 'FINISHED', from_date: smDate(finished.start + 1), limit: 1 });
    expect(res.body.count).toBe(1);
    expect(ids(res)).toEqual([I.retried]);
    const upTo = await list(ft, { status: 'FINISHED', to_date: smDate(retried.start - 1), limit: 1 });
    expect(upTo.body.count).toBe(1);
    expect(ids(upTo)).toEqual([I.finished]);
  });

  it('orders instances of one millisecond the same way whether the list walks the index or scans', async () => {
    const store = new MemoryStore();
    const ft = await withFixtures({ store });
    const template = (await store.get<InstanceData<SecMasterInstanceAttrs>>(INSTANCE_KIND, PROJECT, I.finished))!;
    // Newer than every fixture run, so the first page holds exactly these six.
    const createdAt = ft.clock.now();
    for (let i = 1; i <= 6; i++) {
      const id = `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`;
      await store.create({ ...template, id, createdAt, version: 1, data: { ...template.data, attrs: { ...template.data.attrs, name: `tie-${i}` } } });
    }
    const byIndex = ids(await list(ft, { limit: 6 }));
    expect(byIndex).toHaveLength(6);
    // A text filter scans; the same six must come back in the same order, and in pages that agree.
    const byScan = await list(ft, { name: 'tie-', limit: 6 });
    expect(byScan.body.count).toBe(6);
    expect(ids(byScan)).toEqual(byIndex);
    const paged = [...ids(await list(ft, { name: 'tie-', limit: 3 })), ...ids(await list(ft, { name: 'tie-', limit: 3, offset: 3 }))];
    expect(paged).toEqual(byIndex);
  });
});
