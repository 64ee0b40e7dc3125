import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/engine/clock.js';
import { IllegalOperation, InstanceNotFound, UnknownOperation } from '../../src/engine/errors.js';
import { InstanceEngine } from '../../src/engine/instances.js';
import { cancelMachine } from '../support/machine.js';
import { MemoryStore } from '../../src/store/memory.js';
import { TenantIndex } from '../../src/engine/tenant-index.js';

const machine = cancelMachine('test');

function setup() {
  const clock = new VirtualClock(() => 5_000);
  clock.freeze();
  let n = 0;
  const engine = new InstanceEngine<{ note: string }>({ store: new MemoryStore(), clock, ids: () => `id-${++n}`, machine, kind: 'test.instance' });
  const plan = { steps: [{ name: 'only', durationMs: 1000, after: [] }], outcome: { kind: 'succeed' as const } };
  return { clock, engine, plan };
}

describe('InstanceEngine', () => {
  it('starts an instance that finishes when the clock passes its plan', async () => {
    const { clock, engine, plan } = setup();
    const started = await engine.start('t', 'wf', plan, { note: 'x' });
    expect(started.projection.state).toBe('RUNNING');
    clock.advance(1000);
    expect((await engine.get('t', started.record.id))!.projection.state).toBe('DONE');
  });

  it('applies exactly one of fifty concurrent cancels', async () => {
    const { engine, plan } = setup();
    const { record } = await engine.start('t', 'wf', plan, { note: 'x' });
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => engine.operate('t', record.id, 'cancel')));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused.every((r) => r.reason instanceof IllegalOperation)).toBe(true);
    const after = (await engine.get('t', record.id))!;
    expect(after.record.data.operations).toHaveLength(1);
    expect(after.projection.transitions.map((t) => t.to)).toEqual(['RUNNING', 'CANCELED']);
  });

  it('refuses an operation from a state the table does not allow, and changes nothing', async () => {
    const { clock, engine, plan } = setup();
    const { record } = await engine.start('t', 'wf', plan, { note: 'x' });
    clock.advance(2000);
    await expect(engine.operate('t', record.id, 'cancel')).rejects.toMatchObject({ state: 'DONE', operation: 'cancel' });
    expect((await engine.get('t', record.id))!.record.version).toBe(1);
  });

  it('never dates an operation before what the record holds, whatever the clock of the replica applying it says', async () => {
    const { engine, plan } = setup();
    const started = await engine.start('t', 'wf', plan, { note: 'x' }, 9_000);
    // This replica's clock (5 000) is 4 s behind the one that started the run.
    const canceled = await engine.operate('t', started.record.id, 'cancel');
    expect(canceled.record.data.operations.map((op) => op.at)).toEqual([9_000]);
    expect(canceled.projection.transitions.map((t) => [t.to, t.at])).toEqual([
      ['RUNNING', 9_000],
      ['CANCELED', 9_000],
    ]);
    expect(canceled.projection.endedAt).toBe(9_000);
  });

  it('tells an unknown instance and an unknown operation apart', async () => {
    const { engine, plan } = setup();
    const { record } = await engine.start('t', 'wf', plan, { note: 'x' });
    await expect(engine.operate('t', 'nope', 'cancel')).rejects.toBeInstanceOf(InstanceNotFound);
    await expect(engine.operate('t', record.id, 'explode')).rejects.toBeInstanceOf(UnknownOperation);
    await expect(engine.operate('other-tenant', record.id, 'cancel')).rejects.toBeInstanceOf(InstanceNotFound);
  });

  it('lists a parent’s instances newest first with the total', async () => {
    const { clock, engine, plan } = setup();
    for (let i = 0; i < 3; i++) {
      await engine.start('t', 'wf', plan, { note: String(i) });
      clock.advance(10);
    }
    const page = await engine.list('t', 'wf', 0, 2);
    expect(page.total).toBe(3);
    expect(page.items.map((v) => v.record.data.attrs.note)).toEqual(['2', '1']);
  });

  it('says which option an index read needs, and checks no index it does not keep', async () => {
    const { engine } = setup();
    await expect(engine.countByState('t', 'wf', ['DONE'])).rejects.toThrow('test.instance: countByState needs indexStates');
    await expect(engine.countStarted('t', 'wf')).rejects.toThrow('test.instance: countStarted needs indexStates');
    await expect(engine.inState('t', 'wf', 'DONE', 0)).rejects.toThrow('test.instance: inState needs indexStates');
    expect(await engine.checkIndexes('t')).toEqual([]);
  });

  it('restores a record as it is, tells the write to its listener, and lists its tenant', async () => {
    const written: string[] = [];
    const clock = new VirtualClock(() => 5_000);
    clock.freeze();
    const tenants = new TenantIndex(new MemoryStore());
    const engine = new InstanceEngine<{ note: string }>({
      store: new MemoryStore(),
      clock,
      ids: () => 'unused',
      machine,
      kind: 'test.instance',
      tenants,
      onWrite: (record, change) => written.push(`${record.id} ${change}`),
    });
    expect(await engine.tenants()).toEqual([]);
    const plan = { steps: [{ name: 'only', durationMs: 1000, after: [] }], outcome: { kind: 'succeed' as const } };
    await engine.restore({ kind: 'test.instance', tenant: 'fixtures', id: 'old', parentId: 'wf', createdAt: 1_000, version: 1, data: { plan, operations: [], attrs: { note: 'x' } } });
    expect(written).toEqual(['old restored']);
    expect(await engine.tenants()).toEqual(['fixtures']);
    expect((await engine.get('fixtures', 'old'))!.projection.state).toBe('DONE');
  });
});
