// --allow-writes writes only to what the caller named. Without the name, the runner refuses before
// any request (against a real org, the first workflow listed would otherwise be executed).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runContract, UnnamedWriteTargets } from '../../src/contract/runner.js';
import type { RunningFlowtwin } from '../../src/serve.js';
import { workflowBody } from '../support/flowtwin.js';
import { authenticate, flowtwinWithWorkflow } from './support.js';

let ft: RunningFlowtwin;
let workflowId: string;
beforeAll(async () => ({ ft, workflowId } = await flowtwinWithWorkflow()));
afterAll(() => ft.stop());

const headers = () => ({ ...authenticate({} as never), 'content-type': 'application/json' });

async function runsOf(id: string): Promise<number> {
  const res = await fetch(`${ft.url}/api/v2/workflows/${id}/instances`, { headers: headers() });
  return ((await res.json()) as { meta: { page: { totalCount: number } } }).meta.page.totalCount;
}

/** A fetch that counts the requests the suite sends. */
function counting() {
  const sent: string[] = [];
  const f: typeof fetch = (input, init) => {
    sent.push(String(input));
    return fetch(input, init);
  };
  return { f, sent };
}

describe('contract --allow-writes', () => {
  it('Datadog without a named workflow: refused before any request, and no workflow is executed', async () => {
    const { f, sent } = counting();
    const before = await runsOf(workflowId);
    const run = runContract({ vendor: 'datadog', target: ft.url, authenticate, allowWrites: true, fetch: f });
    await expect(run).rejects.toThrow(UnnamedWriteTargets);
    await expect(run).rejects.toMatchObject({ missing: ['workflowId'] });
    expect(sent).toEqual([]);
    expect(await runsOf(workflowId)).toBe(before);
  });

  it('SecMaster without a named instance: refused before any request', async () => {
    const { f, sent } = counting();
    const run = runContract({ vendor: 'secmaster', target: ft.url, authenticate, allowWrites: true, resources: { projectId: '0123456789abcdef0123456789abcdef', workspaceId: '7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b' }, fetch: f });
    await expect(run).rejects.toThrow(UnnamedWriteTargets);
    await expect(run).rejects.toMatchObject({ missing: ['instanceId'] });
    expect(sent).toEqual([]);
  });

  it('an empty name is no name', async () => {
    await expect(runContract({ vendor: 'datadog', target: ft.url, authenticate, allowWrites: true, resources: { workflowId: '' } })).rejects.toThrow(/workflowId/);
  });

  it('with a named workflow, runs only that one, even when another is listed first', async () => {
    const other = (await (await fetch(`${ft.url}/api/v2/workflows`, { method: 'POST', headers: headers(), body: JSON.stringify(workflowBody({ name: 'Listed too', sleepSeconds: 3600 })) })).json()) as { data: { id: string } };
    const listed = (await (await fetch(`${ft.url}/api/v2/workflows?limit=5`, { headers: headers() })).json()) as { data: { id: string }[] };
    // Name whichever workflow is not the first the suite will see.
    const [first, named] = listed.data[0]!.id === workflowId ? [workflowId, other.data.id] : [other.data.id, workflowId];
    const [firstBefore, namedBefore] = [await runsOf(first), await runsOf(named)];
    const report = await runContract({ vendor: 'datadog', target: ft.url, authenticate, allowWrites: true, resources: { workflowId: named } });
    expect(report.passed).toBe(true);
    expect(await runsOf(first)).toBe(firstBefore);
    expect(await runsOf(named)).toBe(namedBefore + 1);
  });
});
