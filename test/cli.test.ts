import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serve } from '../src/serve.js';
import { cli, killChildren } from './support/cli.js';

afterEach(killChildren);

describe('flowtwin serve', () => {
  it('prints one line with the URL when ready, serves the fixtures, and exits 0 on SIGTERM', async () => {
    const { child, firstLine } = cli(['serve', '--port', '0']);
    const line = await firstLine;
    expect(line).toMatch(/^flowtwin \S+ listening on http:\/\/127\.0\.0\.1:\d+$/);
    const url = line.split(' ').pop()!;
    const health = await fetch(`${url}/__flowtwin/health`);
    expect(health.status).toBe(200);
    const workflows = await fetch(`${url}/api/v2/workflows`, { headers: { 'DD-API-KEY': 'flowtwin-api-key', 'DD-APPLICATION-KEY': 'flowtwin-app-key' } });
    expect(((await workflows.json()) as { meta: { page: { totalCount: number } } }).meta.page.totalCount).toBe(3);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  it('starts empty with --no-seed', async () => {
    const { child, firstLine } = cli(['serve', '--port', '0', '--no-seed']);
    const url = (await firstLine).split(' ').pop()!;
    const workflows = await fetch(`${url}/api/v2/workflows`, { headers: { 'DD-API-KEY': 'flowtwin-api-key', 'DD-APPLICATION-KEY': 'flowtwin-app-key' } });
    expect(((await workflows.json()) as { meta: { page: { totalCount: number } } }).meta.page.totalCount).toBe(0);
    child.kill('SIGINT');
    expect((await once(child, 'exit'))[0]).toBe(0);
  });

  it('refuses a bad port, an unknown command and a missing fixtures file with exit code 2 or 1 and a message', async () => {
    for (const [args, code, message] of [
      [['serve', '--port', 'abc'], 2, /--port must be an integer/],
      [['launch'], 2, /unknown command 'launch'/],
      [['serve', '--port', '0', '--seed', 'no-such-file.json'], 1, /cannot read fixtures file no-such-file.json/],
      [['serve', '--bogus'], 2, /unknown option '--bogus'/],
    ] as const) {
      const run = cli([...args]);
      const [exit] = await once(run.child, 'exit');
      expect(exit).toBe(code);
      expect(run.output().err).toMatch(message);
    }
  });
});

describe('flowtwin contract and verify-har', () => {
  it('runs the contract suite against a flowtwin, exits 0 and writes JUnit', async () => {
    const ft = await serve({ port: 0 });
    try {
      const junit = join(mkdtempSync(join(tmpdir(), 'flowtwin-')), 'contract.xml');
      const run = cli(['contract', '--vendor', 'datadog', '--target', ft.url, '--report', `junit:${junit}`], { ...process.env, DD_API_KEY: 'cli-api', DD_APP_KEY: 'cli-app' });
      const [code] = await once(run.child, 'exit');
      expect(run.output().out).toMatch(/passed, 0 failed, .* PASS$/m);
      expect(code).toBe(0);
      expect(readFileSync(junit, 'utf8')).toContain('<testsuites name="flowtwin contract datadog">');
    } finally {
      await ft.stop();
    }
  });

  it('runs the SecMaster contract suite with a token from the environment against the seeded workspace', async () => {
    const ft = await serve({ port: 0, fixtures: JSON.parse(readFileSync('fixtures/default.json', 'utf8')) });
    try {
      const env = { ...process.env, HUAWEICLOUD_SDK_PROJECT_ID: '0123456789abcdef0123456789abcdef', HUAWEICLOUD_SDK_TOKEN: 'cli-token' };
      const run = cli(['contract', '--vendor', 'secmaster', '--target', ft.url, '--workspace', '7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b'], env);
      const [code] = await once(run.child, 'exit');
      expect(run.output().out).toMatch(/passed, 0 failed, .* PASS$/m);
      expect(code).toBe(0);
    } finally {
      await ft.stop();
    }
  });

  it('refuses to run the contract suite without credentials', async () => {
    const env = { ...process.env };
    delete env.DD_API_KEY;
    const run = cli(['contract', '--vendor', 'datadog', '--target', 'http://127.0.0.1:9'], env);
    expect((await once(run.child, 'exit'))[0]).toBe(2);
    expect(run.output().err).toMatch(/set DD_API_KEY and DD_APP_KEY/);
  });

  it('refuses --allow-writes without the resource it may write, naming the flag to add (exit 2)', async () => {
    const dd = cli(['contract', '--vendor', 'datadog', '--target', 'http://127.0.0.1:9', '--allow-writes'], { ...process.env, DD_API_KEY: 'cli-api', DD_APP_KEY: 'cli-app' });
    const sm = cli(['contract', '--vendor', 'secmaster', '--target', 'http://127.0.0.1:9', '--workspace', '7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b', '--allow-writes'], { ...process.env, HUAWEICLOUD_SDK_PROJECT_ID: '0123456789abcdef0123456789abcdef', HUAWEICLOUD_SDK_TOKEN: 't' });
    const exits = await Promise.all([once(dd.child, 'exit'), once(sm.child, 'exit')]);
    expect(exits.map(([code]) => code)).toEqual([2, 2]);
    expect(dd.output().err).toMatch(/^flowtwin: --allow-writes needs --workflow <id> /);
    expect(sm.output().err).toMatch(/^flowtwin: --allow-writes needs --instance <id> /);
  });

  it('verify-har exits 1 and prints the drift table when recorded traffic breaks the spec', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'flowtwin-')), 'traffic.har');
    const entry = { request: { method: 'POST', url: 'https://api.datadoghq.com/api/v2/workflows/ccf73164-1998-4785-a7a3-8d06c7e5f558/instances' }, response: { status: 201, content: { mimeType: 'application/json', text: '{}' } } };
    writeFileSync(file, JSON.stringify({ log: { entries: [entry] } }));
    const run = cli(['verify-har', file]);
    expect((await once(run.child, 'exit'))[0]).toBe(1);
    expect(run.output().out).toContain('CreateWorkflowInstance | 200, 400, 403, 404, 413, 414, 429, 503 | 201×1');
  });
});
