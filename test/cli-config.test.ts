// `flowtwin serve --config`: a file that breaks specs/flowtwin-config.schema.json stops the start
// (exit 2, the key's path on stderr) before anything listens; a valid one reaches the server.
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, killChildren } from './support/cli.js';

afterEach(killChildren);

function file(doc: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'flowtwin-config-')), 'config.json');
  writeFileSync(path, JSON.stringify(doc));
  return path;
}

describe('flowtwin serve --config', () => {
  it('exits 2 before listening, naming the key, for a wrong type and for a misspelled key', async () => {
    const wrongType = cli(['serve', '--port', '0', '--no-seed', '--config', file({ datadog: { defaultStepMs: 'fast' } })]);
    const misspelled = cli(['serve', '--port', '0', '--no-seed', '--config', file({ datadog: { defaultStepMz: 500 } })]);
    const exits = await Promise.all([once(wrongType.child, 'exit'), once(misspelled.child, 'exit')]);
    expect(exits.map(([code]) => code)).toEqual([2, 2]);
    expect(wrongType.output()).toEqual({ out: '', err: 'flowtwin: config: /datadog/defaultStepMs must be integer\n' });
    expect(misspelled.output()).toEqual({ out: '', err: 'flowtwin: config: /datadog/defaultStepMz is not a known key (known at /datadog: defaultStepMs, cancelSettleMs, defaultWorkflowSort, auth)\n' });
  });

  it('serves with a valid file (and --step-ms): only the configured keys are accepted', async () => {
    const config = file({ datadog: { auth: { keys: [{ apiKey: 'cfg-api', appKey: 'cfg-app' }] }, defaultStepMs: 500 } });
    const run = cli(['serve', '--port', '0', '--no-seed', '--config', config, '--step-ms', '250']);
    const url = await run.url();
    expect((await fetch(`${url}/api/v2/workflows`, { headers: { 'DD-API-KEY': 'cfg-api', 'DD-APPLICATION-KEY': 'cfg-app' } })).status).toBe(200);
    expect((await fetch(`${url}/api/v2/workflows`, { headers: { 'DD-API-KEY': 'other', 'DD-APPLICATION-KEY': 'other' } })).status).toBe(403);
  });
});
