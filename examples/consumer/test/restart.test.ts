// restartService against a flowtwin on a local port: scenarios decide how the run goes, the clock
// is moved instead of waited for, and the journal says what the code sent.
import { client, v2 } from '@datadog/datadog-api-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closeAll, startFlowtwin, type StartedFlowtwin } from 'flowtwin/testing';
import { RestartFailedError, restartService } from '../src/restart.js';

let ft: StartedFlowtwin;
let api: v2.WorkflowAutomationApi;
let workflowId: string;

beforeAll(async () => {
  ft = await startFlowtwin({ frozenAt: '2026-01-15T10:00:00Z', seed: false });
  api = new v2.WorkflowAutomationApi(
    client.createConfiguration({
      baseServer: new client.BaseServerConfiguration(ft.datadogUrl, {}),
      authMethods: { apiKeyAuth: 'test-api-key', appKeyAuth: 'test-app-key' },
    }),
  );
});
afterAll(closeAll);

beforeEach(async () => {
  await ft.control.reset({ seed: false });
  await ft.control.clock.freeze();
  const created = await api.createWorkflow({
    body: {
      data: {
        type: 'workflows',
        attributes: {
          name: 'Restart service',
          spec: {
            triggers: [{ startStepNames: ['Sleep'], apiTrigger: {} }],
            steps: [{ name: 'Sleep', actionId: 'com.datadoghq.core.sleep', parameters: [{ name: 'durationSeconds', value: 300 }] }],
          },
        },
      },
    },
  });
  workflowId = created.data!.id!;
});

describe('restartService', () => {
  it('resolves once the run has succeeded', async () => {
    const events = await ft.control.events.open({ vendor: 'datadog' });
    const restart = restartService(api, workflowId, { pollMs: 10 });
    const started = await events.next((e) => e.to === 'IN_PROGRESS');
    await ft.control.clock.advance(300_000);
    await expect(restart).resolves.toBe(started.instanceId);
    await events.close();
  });

  it('throws when the run fails', async () => {
    await ft.control.scenarios.add({ vendor: 'datadog', workflow_id: workflowId, outcome: 'FAILED', failStep: 'Sleep', times: 1 });
    const events = await ft.control.events.open({ vendor: 'datadog' });
    const restart = restartService(api, workflowId, { pollMs: 10 });
    await events.next((e) => e.to === 'IN_PROGRESS');
    await ft.control.clock.advance(300_000);
    await expect(restart).rejects.toThrow(RestartFailedError);
    await events.close();
    await ft.control.journal.verify({ operation: 'CreateWorkflowInstance', count: 1 });
  });

  it('cancels a run that hangs past the timeout', async () => {
    await ft.control.scenarios.add({ vendor: 'datadog', outcome: 'HANG' });
    const err = await restartService(api, workflowId, { pollMs: 10, timeoutMs: 100 }).catch((e: RestartFailedError) => e);
    expect(err.status).toBe('TIMED_OUT');
    await ft.control.journal.verify({ operation: 'CancelWorkflowInstance', params: { instance_id: err.instanceId }, count: 1 });
  });
});
