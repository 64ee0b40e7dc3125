// The limit flags of `flowtwin serve` reach the server: a URL one byte over --max-url-length gets
// the vendor's 414, a head over --max-header-size node's 431, --journal-limit bounds the journal and
// --max-instances-per-tenant refuses the next run.
import { afterEach, describe, expect, it } from 'vitest';
import { cli, killChildren } from '../support/cli.js';

afterEach(killChildren);

const DD = { 'DD-API-KEY': 'cli-limits-api', 'DD-APPLICATION-KEY': 'cli-limits-app' };
const WORKFLOW = {
  data: {
    type: 'workflows',
    attributes: { name: 'W', spec: { triggers: [{ startStepNames: ['S'], apiTrigger: {} }], steps: [{ name: 'S', actionId: 'com.datadoghq.core.sleep', parameters: [{ name: 'durationSeconds', value: 1 }] }] } },
  },
};

describe('flowtwin serve limit flags', () => {
  it('--max-url-length, --max-header-size, --journal-limit and --max-instances-per-tenant', async () => {
    const run = cli(['serve', '--port', '0', '--no-seed', '--max-url-length', '200', '--max-header-size', '2048', '--journal-limit', '2', '--max-instances-per-tenant', '1']);
    const url = await run.url();
    const at = `/api/v2/workflows?filter[query]=`;
    expect((await fetch(`${url}${at}${'a'.repeat(200 - at.length)}`, { headers: DD })).status).toBe(200);
    const over = await fetch(`${url}${at}${'a'.repeat(201 - at.length)}`, { headers: DD });
    expect(over.status).toBe(414);
    expect(await over.json()).toEqual({ errors: ['Request-URI Too Large: the URL is over 200 bytes'] });

    const big = await fetch(`${url}/__flowtwin/health`, { headers: { 'x-pad': 'p'.repeat(2100) } }).catch((e: unknown) => e);
    expect(big instanceof Response ? big.status : String(big)).toBe(431);

    const workflow = (await (await fetch(`${url}/api/v2/workflows`, { method: 'POST', headers: { ...DD, 'content-type': 'application/json' }, body: JSON.stringify(WORKFLOW) })).json()) as { data: { id: string } };
    const execute = () => fetch(`${url}/api/v2/workflows/${workflow.data.id}/instances`, { method: 'POST', headers: { ...DD, 'content-type': 'application/json' }, body: '{}' });
    expect((await execute()).status).toBe(200);
    const refused = await execute();
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ errors: [{ code: 'INSTANCE_LIMIT_EXCEEDED', detail: 'limit of 1 workflow instances per org reached' }] });

    const journal = (await (await fetch(`${url}/__flowtwin/journal`)).json()) as { entries: { operationId: string; status: number }[] };
    expect(journal.entries.map((e) => [e.operationId, e.status])).toEqual([
      ['CreateWorkflowInstance', 200],
      ['CreateWorkflowInstance', 400],
    ]);
  }, 60_000);

  it('refuses a limit out of range as a usage error', async () => {
    const run = cli(['serve', '--port', '0', '--max-url-length', '10']);
    expect(await new Promise((resolve) => run.child.once('exit', resolve))).toBe(2);
    expect(run.output().err).toMatch(/--max-url-length must be an integer from 64 to 1048576, got "10"/);
  }, 60_000);
});
