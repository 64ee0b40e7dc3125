// The same code, unchanged and pointed at the real vendor hosts: interceptVendors answers them
// in process. Any other host is refused, so nothing leaves the machine.
import { client, v2 } from '@datadog/datadog-api-client';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { interceptVendors, type Interception } from 'flowtwin/testing';
import { restartService } from '../src/restart.js';
import { terminatePlaybookInstance } from '../src/secmaster.js';

let vendors: Interception;
beforeEach(async () => {
  vendors = await interceptVendors({ frozenAt: '2026-01-15T10:00:00Z' });
});
afterEach(() => vendors.restore());

it('restarts a service through the official client configured for datadoghq.eu', async () => {
  const configuration = client.createConfiguration({ authMethods: { apiKeyAuth: 'test-api-key', appKeyAuth: 'test-app-key' } });
  configuration.setServerVariables({ site: 'datadoghq.eu' });
  const api = new v2.WorkflowAutomationApi(configuration);
  const { data } = await api.createWorkflow({
    body: { data: { type: 'workflows', attributes: { name: 'Restart', spec: { triggers: [{ startStepNames: ['Check'], apiTrigger: {} }], steps: [{ name: 'Check', actionId: 'com.datadoghq.core.noop' }] } } } },
  });
  await vendors.control.clock.speed(100);
  await vendors.control.clock.resume();
  const instanceId = await restartService(api, data!.id!, { pollMs: 10 });
  await vendors.control.journal.verify({ operation: 'CreateWorkflowInstance', params: { workflow_id: data!.id! }, count: 1 });
  expect((await vendors.control.journal.query({ operation: 'GetWorkflowInstance' })).every((e) => e.params.instance_id === instanceId)).toBe(true);
});

it('terminates a SecMaster playbook run at its regional endpoint', async () => {
  const ws = { endpoint: 'https://secmaster.cn-north-4.myhuaweicloud.com', projectId: '0123456789abcdef0123456789abcdef', workspaceId: '7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b', token: 'any-token' };
  await vendors.control.scenarios.add({ vendor: 'secmaster', outcome: 'HANG' });
  const run = await vendors.control.secmaster.trigger({ project_id: ws.projectId, workspace_id: ws.workspaceId });
  await vendors.control.clock.speed(100);
  await vendors.control.clock.resume();
  await terminatePlaybookInstance(ws, run.id, { pollMs: 5 });
  await vendors.control.journal.verify({ operation: 'ChangePlaybookInstance', params: { instance_id: run.id }, count: 1 });
});
