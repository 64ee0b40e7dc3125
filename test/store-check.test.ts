// `flowtwin store check`: a store whose indexes no longer match its records (a record written without
// them, as a crash between two steps of an older flowtwin left it) is reported, exit 1; --repair
// fixes it; a store written by this flowtwin checks clean.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createFlowtwin } from '../src/http/app.js';
import { DEFAULT_FIXTURES, readJsonFile } from '../src/serve.js';
import { SqliteStore } from '../src/store/sqlite.js';
import { INSTANCE_KIND } from '../src/vendors/datadog/context.js';
import { cli, killChildren } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'flowtwin-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(killChildren);

async function exit(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const run = cli(args);
  const code = await new Promise<number | null>((resolve) => run.child.once('exit', resolve));
  return { code, ...run.output() };
}

/** A seeded SQLite store, then one Datadog instance moved 5 s later without its index entries. */
async function storeWithStaleIndex(file: string): Promise<void> {
  const store = new SqliteStore(file);
  const flowtwin = await createFlowtwin({ store, fixtures: readJsonFile(DEFAULT_FIXTURES, 'fixtures') });
  expect(await flowtwin.checkStore()).toEqual([]);
  const [tenant] = (await store.scan<{ tenant: string }>('flowtwin.tenant', '', INSTANCE_KIND)).map((r) => r.data.tenant);
  const [record] = await store.scan(INSTANCE_KIND, tenant!);
  expect(await store.update({ ...record!, createdAt: record!.createdAt + 5000 }, record!.version)).toBe(true);
  await flowtwin.close();
}

describe('flowtwin store check', () => {
  it('reports indexes that disagree with the records, repairs them, then checks clean', async () => {
    const file = join(dir, 'stale.db');
    await storeWithStaleIndex(file);

    const found = await exit(['store', 'check', '--store', `sqlite:${file}`]);
    expect(found.code).toBe(1);
    expect(found.out).toMatch(/^datadog tenant ".+" parent ".+": datadog\.instance:.+:in:IN_PROGRESS .+#0: score (\d+), expected \d+$/m);
    expect(found.out).toMatch(/index entries differ from the records; run again with --repair to fix them/);

    const repaired = await exit(['store', 'check', '--store', `sqlite:${file}`, '--repair', '--json']);
    expect(repaired.code).toBe(0);
    const report = JSON.parse(repaired.out) as { differences: { vendor: string; stored: number | null; expected: number | null }[]; repaired: boolean };
    expect(report.repaired).toBe(true);
    expect(report.differences.length).toBeGreaterThan(0);
    expect(report.differences.every((d) => d.vendor === 'datadog' && d.stored !== d.expected)).toBe(true);

    const clean = await exit(['store', 'check', '--store', `sqlite:${file}`]);
    expect(clean).toMatchObject({ code: 0, out: 'store check: every index agrees with the records\n' });
  });

  it('counts by the repaired index as a recount of the records does', async () => {
    const file = join(dir, 'recount.db');
    await storeWithStaleIndex(file);
    const store = new SqliteStore(file);
    const flowtwin = await createFlowtwin({ store });
    expect((await flowtwin.checkStore({ repair: true })).length).toBeGreaterThan(0);
    expect(await flowtwin.checkStore()).toEqual([]);
    await flowtwin.close();
  });

  it('names what is missing in a usage error, exit 2', async () => {
    const missing = await exit(['store', 'check']);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/store check needs --store/);
    const memory = await exit(['store', 'check', '--store', 'memory']);
    expect(memory.code).toBe(2);
    expect(memory.err).toMatch(/give --store sqlite:<path> or a redis:\/\/ URL, not memory/);
    const unknown = await exit(['store', 'fsck', '--store', 'memory']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/usage: flowtwin store check/);
  });
});
