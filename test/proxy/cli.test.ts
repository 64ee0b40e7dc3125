// `flowtwin proxy` as a user runs it: a child process in front of a local upstream, killed hard
// (the recording on disk is still whole) or stopped with SIGTERM (it writes the last exchanges and
// exits 0); its recording read back by `flowtwin verify-har` and `flowtwin serve --seed`.
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_FIXTURES, serve } from '../../src/serve.js';
import { cli, killChildren } from '../support/cli.js';
import { onCleanup } from './support.js';

afterEach(killChildren);

const KEYS = { 'DD-API-KEY': 'cli-proxy-api-key-5150', 'DD-APPLICATION-KEY': 'cli-proxy-app-key-8088' };
const FIXTURE_KEYS = { 'DD-API-KEY': 'flowtwin-api-key', 'DD-APPLICATION-KEY': 'flowtwin-app-key' };

async function upstream() {
  const ft = await serve({ port: 0, fixtures: JSON.parse(readFileSync(DEFAULT_FIXTURES, 'utf8')) });
  onCleanup(() => ft.stop());
  return ft;
}

/** The HAR's entries once the file holds `count` of them (it is rewritten after each exchange). */
async function entriesOnDisk(path: string, count: number): Promise<unknown[]> {
  for (let waited = 0; waited < 10_000; waited += 50) {
    if (existsSync(path)) {
      const entries = (JSON.parse(readFileSync(path, 'utf8')) as { log: { entries: unknown[] } }).log.entries;
      if (entries.length >= count) return entries;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${path} never held ${count} entries`);
}

describe('flowtwin proxy (CLI)', () => {
  it('killed with SIGKILL, leaves a HAR verify-har passes and fixtures serve --seed loads, and logged the undocumented route to stderr', async () => {
    const up = await upstream();
    const dir = mkdtempSync(join(tmpdir(), 'flowtwin-proxy-cli-'));
    const proxy = cli(['proxy', '--upstream', up.url, '--port', '0', '--record', dir]);
    expect(await proxy.firstLine).toMatch(/^flowtwin \S+ proxy to http:\/\/127\.0\.0\.1:\d+ listening on http:\/\/127\.0\.0\.1:\d+$/);
    const url = await proxy.url();
    const json = { ...KEYS, 'content-type': 'application/json' };
    const created = await fetch(`${url}/api/v2/workflows`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ data: { type: 'workflows', attributes: { name: 'Via the CLI proxy', spec: { triggers: [{ startStepNames: ['Sleep'], apiTrigger: {} }], steps: [{ name: 'Sleep', actionId: 'com.datadoghq.core.sleep', parameters: [{ name: 'durationSeconds', value: 600 }] }] } } } }),
    });
    expect(created.status).toBe(201);
    const wf = ((await created.json()) as { data: { id: string } }).data.id;
    const run = await fetch(`${url}/api/v2/workflows/${wf}/instances`, { method: 'POST', headers: json, body: '{}' });
    const runId = ((await run.json()) as { data: { id: string } }).data.id;
    expect((await fetch(`${url}/api/v2/workflows/${wf}/instances/${runId}`, { headers: KEYS })).status).toBe(200);
    expect((await fetch(`${url}/api/v2/nope`, { headers: KEYS })).status).toBe(404);

    const har = join(dir, 'traffic.har');
    expect(await entriesOnDisk(har, 4)).toHaveLength(4);
    proxy.child.kill('SIGKILL');
    // 'close', not 'exit': the line must have been read from the pipe too.
    await once(proxy.child, 'close');
    expect(proxy.output().err.trim().split('\n')).toEqual(['undocumented route GET /api/v2/nope 404: no operation of any spec (datadog, secmaster, huawei-iam) matches']);
    const recorded = readFileSync(har, 'utf8') + readFileSync(join(dir, 'fixtures.json'), 'utf8');
    for (const key of Object.values(KEYS)) expect(recorded).not.toContain(key);

    const verify = cli(['verify-har', har]);
    const [verified] = await once(verify.child, 'close');
    expect(verify.output().out).toContain('no operation in the specs for: GET /api/v2/nope');
    expect(verified).toBe(0);

    const seeded = cli(['serve', '--port', '0', '--seed', join(dir, 'fixtures.json')]);
    const replay = await seeded.url();
    const workflow = await fetch(`${replay}/api/v2/workflows/${wf}`, { headers: FIXTURE_KEYS });
    expect(workflow.status).toBe(200);
    expect(((await workflow.json()) as { data: { attributes: { name: string } } }).data.attributes.name).toBe('Via the CLI proxy');
    const instance = await fetch(`${replay}/api/v2/workflows/${wf}/instances/${runId}`, { headers: FIXTURE_KEYS });
    expect(((await instance.json()) as { data: { attributes: { instanceStatus: { detailsKind: string } } } }).data.attributes.instanceStatus.detailsKind).toBe('IN_PROGRESS');
    // Three CLI processes start one after another; under a loaded full run that outlasts the default 20 s.
  }, 60_000);

  it('on SIGTERM writes what it has and exits 0', async () => {
    const up = await upstream();
    const dir = mkdtempSync(join(tmpdir(), 'flowtwin-proxy-cli-'));
    const proxy = cli(['proxy', '--upstream', up.url, '--vendor', 'datadog', '--port', '0', '--record', dir]);
    const url = await proxy.url();
    expect((await fetch(`${url}/api/v2/workflows`, { headers: KEYS })).status).toBe(200);
    proxy.child.kill('SIGTERM');
    const [code] = await once(proxy.child, 'exit');
    expect(code).toBe(0);
    const entries = (JSON.parse(readFileSync(join(dir, 'traffic.har'), 'utf8')) as { log: { entries: { request: { url: string } }[] } }).log.entries;
    expect(entries.map((e) => new URL(e.request.url).pathname)).toEqual(['/api/v2/workflows']);
  });

  it('refuses a missing or unusable --upstream, an unknown --vendor and a bad --port with exit code 2', async () => {
    const cases = [
      [['proxy'], /--upstream <vendor base URL> is required/],
      [['proxy', '--upstream', 'ftp://files.example'], /--upstream must be http or https/],
      [['proxy', '--upstream', 'https://api.datadoghq.com/api/v2'], /--upstream must be an origin/],
      [['proxy', '--upstream', 'https://api.datadoghq.com', '--vendor', 'acme'], /--vendor must be one of datadog, secmaster, huawei-iam, got "acme"/],
      [['proxy', '--upstream', 'https://api.datadoghq.com', '--port', '70000'], /--port must be an integer from 0 to 65535/],
    ] as const;
    const runs = cases.map(([args]) => cli([...args]));
    const codes = await Promise.all(runs.map(async (run) => (await once(run.child, 'close'))[0] as number));
    expect(codes).toEqual(cases.map(() => 2));
    cases.forEach(([, message], i) => expect(runs[i]!.output().err).toMatch(message));
  });
});
