// startFlowtwin as a suite uses it: a server on a free loopback port, seeded or empty, optionally
// frozen at a chosen time, options passed through, and closed by close(), `await using` or closeAll().
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_FIXTURES } from '../../src/serve.js';
import { closeAll, startFlowtwin, type StartedFlowtwin } from '../../src/testing/index.js';
import { INSTANCES_PATH, SEEDED_KEYS, SEEDED_WORKFLOWS, T0, datadog } from './support.js';

const violations: string[] = [];
const onResponseViolation = (v: { method: string; path: string; message: string }) => void violations.push(`${v.method} ${v.path}: ${v.message}`);
afterEach(async () => {
  await closeAll();
  expect(violations.splice(0), 'responses that break the spec').toEqual([]);
});

/** Whether anything accepts connections on the port. */
const listening = (url: string) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(Number(new URL(url).port), '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

describe('startFlowtwin', () => {
  it('serves the seeded fixtures on a free loopback port, one base URL for every vendor', async () => {
    const ft = await startFlowtwin({ onResponseViolation });
    expect(ft.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ft.url).not.toBe('http://127.0.0.1:4010');
    expect([ft.datadogUrl, ft.secmasterUrl, ft.iamUrl]).toEqual([ft.url, ft.url, ft.url]);
    const workflows = await datadog(ft.datadogUrl, 'GET', '/api/v2/workflows', SEEDED_KEYS);
    expect(workflows.body.data.map((w: { id: string }) => w.id)).toEqual(expect.arrayContaining(SEEDED_WORKFLOWS.slice(0, 2)));
    const instances = await fetch(`${ft.secmasterUrl}${INSTANCES_PATH}?limit=10&offset=0`, { headers: { 'X-Auth-Token': 'any-token' } });
    expect(((await instances.json()) as { instances: unknown[] }).instances).toHaveLength(6);
  });

  it('starts two servers side by side on different ports', async () => {
    const [a, b] = await Promise.all([startFlowtwin(), startFlowtwin()]);
    expect(a!.url).not.toBe(b!.url);
  });

  it('starts empty with seed: false', async () => {
    const ft = await startFlowtwin({ seed: false, onResponseViolation });
    expect((await datadog(ft.url, 'GET', '/api/v2/workflows', SEEDED_KEYS)).body.data).toEqual([]);
  });

  it('seeds a fixtures document of your own, or the file it is in', async () => {
    const defaults = JSON.parse(readFileSync(DEFAULT_FIXTURES, 'utf8'));
    const tenant = defaults.datadog.tenants[0];
    const mine = { datadog: { tenants: [{ ...tenant, apiKey: 'mine', appKey: 'mine', workflows: tenant.workflows.slice(0, 1), instances: [] }] } };
    const keys = { 'DD-API-KEY': 'mine', 'DD-APPLICATION-KEY': 'mine' };
    const ft = await startFlowtwin({ seed: mine, onResponseViolation });
    expect((await datadog(ft.url, 'GET', '/api/v2/workflows', keys)).body.data.map((w: { id: string }) => w.id)).toEqual([SEEDED_WORKFLOWS[0]]);
    expect((await datadog(ft.url, 'GET', '/api/v2/workflows', SEEDED_KEYS)).body.data).toEqual([]);
    const file = join(mkdtempSync(join(tmpdir(), 'flowtwin-')), 'fixtures.json');
    writeFileSync(file, JSON.stringify(mine));
    const fromFile = await startFlowtwin({ seed: file, onResponseViolation });
    expect((await datadog(fromFile.url, 'GET', '/api/v2/workflows', keys)).body.data).toHaveLength(1);
  });

  it('starts with the clock frozen at frozenAt, the fixtures placed around that moment', async () => {
    const ft = await startFlowtwin({ frozenAt: T0, onResponseViolation });
    expect(await ft.control.clock.get()).toMatchObject({ now: Date.parse(T0), iso: T0, frozen: true });
    // Seeded 26 hours before "now", now being frozenAt.
    const run = await datadog(ft.url, 'GET', `/api/v2/workflows/${SEEDED_WORKFLOWS[1]}/instances/b902fadc-6e79-45bc-9b9e-89006858e6be`, SEEDED_KEYS);
    expect(run.body.data.attributes.startTimestamp).toBe('2026-01-14T08:00:00Z');
    await new Promise((r) => setTimeout(r, 20));
    expect((await ft.control.clock.get()).now).toBe(Date.parse(T0));
    const epoch = await startFlowtwin({ frozenAt: Date.parse(T0) + 1, seed: false });
    expect((await epoch.control.clock.get()).now).toBe(Date.parse(T0) + 1);
  });

  it('refuses a frozenAt that is not a time', async () => {
    await expect(startFlowtwin({ frozenAt: 'yesterday' })).rejects.toThrow(/frozenAt must be an ISO 8601 time/);
  });

  it('refuses a frozenAt outside the clock range (years 0000 to 9999), which no vendor time format can print', async () => {
    await expect(startFlowtwin({ frozenAt: 9_007_199_254_740_991 })).rejects.toThrow(/frozenAt must be .* from -62167219200000 \(year 0000\) to 253402300799999 \(year 9999\), not 9007199254740991/);
    await expect(startFlowtwin({ frozenAt: '+010000-01-01T00:00:00Z' })).rejects.toThrow(/frozenAt must be/);
  });

  it('passes rateLimits and vendors settings through', async () => {
    const rule = { vendor: 'datadog' as const, name: 'reads', limit: 1, period: 60, operations: ['ListWorkflows'] };
    const keys = { 'DD-API-KEY': 'ci-api', 'DD-APPLICATION-KEY': 'ci-app' };
    const ft = await startFlowtwin({
      rateLimits: [rule],
      vendors: { datadog: { auth: { keys: [{ apiKey: 'ci-api', appKey: 'ci-app', org: 'ci', permissions: ['workflows_read'] }] } } },
      onResponseViolation,
    });
    expect(await ft.control.rateLimits.get()).toEqual([rule]);
    expect((await datadog(ft.url, 'GET', '/api/v2/workflows', SEEDED_KEYS)).status).toBe(403);
    expect((await datadog(ft.url, 'GET', '/api/v2/workflows', keys)).status).toBe(200);
    expect((await datadog(ft.url, 'GET', '/api/v2/workflows', keys)).status).toBe(429);
  });

  it('close() frees the port, and a second close() is harmless', async () => {
    const ft = await startFlowtwin();
    expect(await listening(ft.url)).toBe(true);
    await ft.close();
    expect(await listening(ft.url)).toBe(false);
    await ft.close();
  });

  it('close() ends the control client\'s open event streams instead of waiting for them', async () => {
    const ft = await startFlowtwin();
    const events = await ft.control.events.open();
    const started = Date.now();
    await ft.close();
    expect(Date.now() - started).toBeLessThan(2000);
    await expect(events.next(undefined, { timeoutMs: 1000 })).rejects.toThrow(/closed/);
  });

  it('closes at the end of an `await using` block', async () => {
    let url = '';
    {
      await using ft = await startFlowtwin({ seed: false });
      url = ft.url;
      expect(await listening(url)).toBe(true);
    }
    expect(await listening(url)).toBe(false);
  });

  it('closeAll() stops every server still running', async () => {
    const servers: StartedFlowtwin[] = await Promise.all([startFlowtwin({ seed: false }), startFlowtwin({ seed: false })]);
    await servers[0]!.close();
    await closeAll();
    for (const ft of servers) expect(await listening(ft.url)).toBe(false);
  });

  it('does not keep the process alive: the server is unref\'d', async () => {
    const ft = await startFlowtwin({ seed: false });
    expect(ft.flowtwin.server.listening).toBe(true);
    expect((ft.flowtwin.server as unknown as { _handle: { hasRef(): boolean } })._handle.hasRef()).toBe(false);
  });
});
