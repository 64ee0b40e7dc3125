// terminatePlaybookInstance against a flowtwin on a local port: a run started by the control plane,
// virtual time sped up so the 2 s TERMINATING phase passes in milliseconds.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closeAll, startFlowtwin, type StartedFlowtwin } from 'flowtwin/testing';
import { terminatePlaybookInstance, type Workspace } from '../src/secmaster.js';

const projectId = '0123456789abcdef0123456789abcdef';
const workspaceId = '7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b';
let ft: StartedFlowtwin;
let ws: Workspace;

beforeAll(async () => {
  ft = await startFlowtwin();
  ws = { endpoint: ft.secmasterUrl, projectId, workspaceId, token: 'any-token' };
});
afterAll(closeAll);
beforeEach(() => ft.control.reset());

describe('terminatePlaybookInstance', () => {
  it('resolves once the instance is TERMINATED', async () => {
    await ft.control.scenarios.add({ vendor: 'secmaster', outcome: 'HANG' });
    const run = await ft.control.secmaster.trigger({ project_id: projectId, workspace_id: workspaceId });
    await ft.control.clock.speed(100);
    await terminatePlaybookInstance(ws, run.id, { pollMs: 5 });
    // What the code last read from SecMaster, as the journal recorded it.
    const reads = await ft.control.journal.query({ operation: 'ShowPlaybookInstance' });
    expect(reads.at(-1)?.responseBody).toMatchObject({ id: run.id, status: 'TERMINATED' });
  });

  it('refuses an instance that has already finished', async () => {
    const run = await ft.control.secmaster.trigger({ project_id: projectId, workspace_id: workspaceId });
    await ft.control.clock.advance(3_600_000);
    await expect(terminatePlaybookInstance(ws, run.id)).rejects.toThrow(/^SecMaster POST .*\/operation: 400 /);
  });
});
