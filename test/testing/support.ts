// Shared by the testing-kit tests: the seeded tenant's keys and ids, and a Datadog call over fetch.
export const SEEDED_KEYS = { 'DD-API-KEY': 'flowtwin-api-key', 'DD-APPLICATION-KEY': 'flowtwin-app-key' };
export const SEEDED_WORKFLOWS = ['d690e696-027c-4a65-8952-723bc9fb8716', '77a9edf5-50ef-4cf3-9e25-2c02de8c9eba', '0ab4d134-7871-4c43-b1eb-cf910e189ffe'];
export const PROJECT = '0123456789abcdef0123456789abcdef';
export const WORKSPACE = '7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b';
export const INSTANCES_PATH = `/v1/${PROJECT}/workspaces/${WORKSPACE}/soc/playbooks/instances`;
export const T0 = '2026-01-15T10:00:00.000Z';

/** Calls a Datadog endpoint of the flowtwin at `base` with `keys` and answers status and JSON body. */
export async function datadog(base: string, method: string, path: string, keys: Record<string, string>, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...keys, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** A workflow that sleeps `sleepSeconds`, then notifies. */
export const sleepWorkflow = (sleepSeconds = 300) => ({
  data: {
    type: 'workflows',
    attributes: {
      name: 'Restart service',
      spec: {
        triggers: [{ startStepNames: ['Sleep'], apiTrigger: {} }],
        steps: [
          { name: 'Sleep', actionId: 'com.datadoghq.core.sleep', parameters: [{ name: 'durationSeconds', value: sleepSeconds }], outboundEdges: [{ nextStepName: 'Notify', branchName: 'main' }] },
          { name: 'Notify', actionId: 'com.datadoghq.core.noop' },
        ],
      },
    },
  },
});
