// A listening flowtwin with a slow workflow for the contract suite to execute and cancel.
import { serve, type RunningFlowtwin } from '../../src/serve.js';
import { datadogAuthenticator } from '../../src/contract/credentials.js';
import { workflowBody } from '../support/flowtwin.js';

export const KEYS = { apiKey: 'contract-api', appKey: 'contract-app' };
export const authenticate = datadogAuthenticator(KEYS);

export async function flowtwinWithWorkflow(): Promise<{ ft: RunningFlowtwin; workflowId: string }> {
  const ft = await serve({ port: 0 });
  const res = await fetch(`${ft.url}/api/v2/workflows`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'DD-API-KEY': KEYS.apiKey, 'DD-APPLICATION-KEY': KEYS.appKey },
    body: JSON.stringify(workflowBody({ sleepSeconds: 3600 })),
  });
  const workflowId = ((await res.json()) as { data: { id: string } }).data.id;
  // A few runs so list, paging and counters have something to check.
  for (let i = 0; i < 3; i++) {
    await fetch(`${ft.url}/api/v2/workflows/${workflowId}/instances`, { method: 'POST', headers: { 'content-type': 'application/json', 'DD-API-KEY': KEYS.apiKey, 'DD-APPLICATION-KEY': KEYS.appKey }, body: '{}' });
  }
  return { ft, workflowId };
}
