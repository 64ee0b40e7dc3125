// Runs the benchmark's smoke mode end to end so the bench code cannot rot. Timings are never
// asserted (shared machines are noisy): only that every row is there, measured, and answered 2xx.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

interface Row {
  server: string;
  store: string;
  workload: string;
  rps: number;
  p50: number;
  p99: number;
  rssMb: number;
  non2xx: number;
  errors: number;
  bytes: number;
  pageItems?: number;
}

const dir = mkdtempSync(join(tmpdir(), 'flowtwin-bench-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('prints and saves a row with numbers for every baseline and every workload', () => {
  const json = join(dir, 'smoke.json');
  // --from src: the children run the sources through tsx, so the test needs no build.
  const run = spawnSync(process.execPath, ['bench/run.mjs', '--smoke', '--duration', '1', '--from', 'src', '--json', json], {
    encoding: 'utf8',
    timeout: 170_000,
  });
  expect(run.status, run.stderr).toBe(0);
  const result = JSON.parse(readFileSync(json, 'utf8')) as { rows: Row[]; startupMs: number; firstAnswerMs: number; resetMs: number };

  const names = result.rows.map((r) => `${r.server} ${r.workload}`);
  expect(names).toEqual(
    expect.arrayContaining([
      'node:http get',
      'express get',
      'flowtwin get',
      'flowtwin execute',
      'flowtwin list',
      'flowtwin list-1c',
      'flowtwin cancel',
      'flowtwin sm-list',
      'flowtwin sm-list-1c',
      'flowtwin mixed',
    ]),
  );
  for (const row of result.rows) {
    expect(row.rps, names.join()).toBeGreaterThan(0);
    expect(row.p99).toBeGreaterThan(0);
    expect(row.p50).toBeGreaterThanOrEqual(0);
    expect(row.rssMb).toBeGreaterThan(0);
    // A non-2xx means a workload addresses something the fixtures no longer have. Cancel is left
    // out: its pool is sized from the execute rate, and a loaded machine can cancel faster than that.
    if (row.workload !== 'cancel') expect(row.non2xx + row.errors, `${row.server} ${row.workload}`).toBe(0);
    expect(run.stdout).toContain(row.workload);
    expect(row.bytes, `${row.server} ${row.workload}`).toBeGreaterThan(100);
    // Every list row read a full page (the child freezes the clock, so the seeded runs stay RUNNING).
    if (row.workload.includes('list')) expect(row.pageItems, `${row.server} ${row.workload}`).toBe(100);
  }
  // The GET target compares flowtwin and express in alternating runs, not with a baseline minutes old.
  type Pair = { express: number; flowtwin: number; first: string };
  const pairs = (result.rows.find((r) => r.server === 'flowtwin' && r.workload === 'get') as Row & { pairs?: Pair[] }).pairs;
  expect(pairs).toHaveLength(2);
  for (const pair of pairs!) expect(Math.min(pair.express, pair.flowtwin)).toBeGreaterThan(0);
  // The order within each pair is drawn from a seed the run prints and saves.
  for (const pair of pairs!) expect(['express', 'flowtwin']).toContain(pair.first);
  expect(run.stderr).toMatch(/pair order seed \d+/);
  expect(result.startupMs).toBeGreaterThan(0);
  expect(result.firstAnswerMs).toBeGreaterThan(result.startupMs);
  expect(result.resetMs).toBeGreaterThan(0);
}, 180_000);
