// DD-DRIFT-15: Datadog answers a cancel before the instance reads CANCELED. With
// datadog.cancelSettleMs, flowtwin does the same in virtual time, so a client that polls right
// after cancelling sees the run still in progress.
import { client, v2 } from '@datadog/datadog-api-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type RunningFlowtwin } from '../../../src/serve.js';
import { DD_KEYS, T0, testFlowtwin, workflowBody } from '../../support/flowtwin.js';

const SETTLE_MS = 250;

describe('an asynchronous cancel through the official client (cancelSettleMs)', () => {
  let ft: RunningFlowtwin;
  let api: v2.WorkflowAutomationApi;
  beforeAll(async () => {
    ft = await serve({ port: 0, host: '127.0.0.1', now: () => T0, vendors: { datadog: { cancelSettleMs: SETTLE_MS } } });
    ft.clock.freeze();
    const configuration = client.createConfiguration({
      baseServer: new client.BaseServerConfiguration(ft.url, {}),
      authMethods: { apiKeyAuth: 'sdk-api-key', appKeyAuth: 'sdk-app-key' },
    });
    api = new v2.WorkflowAutomationApi(configuration);
  });
  afterAll(async () => ft?.stop());

  it('reads IN_PROGRESS right after the 200, refuses a second cancel, then reads CANCELED with endTimestamp at cancel + delay', async () => {
    const created = await api.createWorkflow({ body: workflowBody({ sleepSeconds: 600 }) as v2.CreateWorkflowRequest });
    const workflowId = created.data!.id!;
    const instanceId = (await api.createWorkflowInstance({ workflowId, body: {} })).data!.id!;
    ft.clock.advance(1000);
    const canceledAt = ft.clock.now();

    expect(await api.cancelWorkflowInstance({ workflowId, instanceId })).toEqual({});
    // The client models only attributes.id (DD-DRIFT-4); the rest is in additionalProperties.
    const attributes = async () => (await api.getWorkflowInstance({ workflowId, instanceId })).data?.attributes?.additionalProperties ?? {};
    const polled = await attributes();
    expect(polled.instanceStatus).toMatchObject({ detailsKind: 'IN_PROGRESS' });
    expect(polled.endTimestamp).toBeUndefined();
    expect(polled.stepStateAssociations).toEqual([{ stepName: 'Sleep', stepState: 'IN_PROGRESS' }]);

    // The cancel is already taken: a second one is refused as if the instance had ended.
    const again = await api.cancelWorkflowInstance({ workflowId, instanceId }).catch((err: unknown) => err as client.ApiException<unknown>);
    expect(again).toBeInstanceOf(client.ApiException);
    expect((again as client.ApiException<unknown>).code).toBe(400);
    expect((again as client.ApiException<unknown>).body).toEqual({
      errors: [{ code: 'INVALID_INSTANCE_STATE', detail: `instance ${instanceId} is not running (status CANCELED)` }],
    });

    ft.clock.advance(SETTLE_MS - 1);
    expect((await attributes()).instanceStatus).toMatchObject({ detailsKind: 'IN_PROGRESS' });
    ft.clock.advance(1);
    const settled = await attributes();
    expect(settled.instanceStatus).toMatchObject({ detailsKind: 'CANCELED' });
    expect(settled.stepStateAssociations).toEqual([{ stepName: 'Sleep', stepState: 'CANCELED' }]);
    expect(settled.endTimestamp).toBe('2026-01-15T10:00:01.25Z');
    expect(Date.parse(settled.endTimestamp)).toBe(canceledAt + SETTLE_MS);
    const list = await api.listWorkflowInstances({ workflowId });
    expect(list.meta?.additionalProperties).toMatchObject({ canceledCount: 1, succeededCount: 0 });
  });
});

describe('cancelSettleMs over HTTP', () => {
  async function running(cancelSettleMs: number, sleepSeconds: number) {
    const ft = await testFlowtwin({ vendors: { datadog: { cancelSettleMs } } });
    const workflowId = (await ft.http.post('/api/v2/workflows').set(DD_KEYS).send(workflowBody({ sleepSeconds }))).body.data.id as string;
    const id = (await ft.http.post(`/api/v2/workflows/${workflowId}/instances`).set(DD_KEYS).send({})).body.data.id as string;
    const path = `/api/v2/workflows/${workflowId}/instances/${id}`;
    return { ft, path, get: () => ft.http.get(path).set(DD_KEYS), cancel: () => ft.http.put(`${path}/cancel`).set(DD_KEYS) };
  }

  it('settles at once by default: the first read after the 200 is CANCELED with endTimestamp = the cancel time', async () => {
    const { cancel, get } = await running(0, 600);
    expect((await cancel()).status).toBe(200);
    const attrs = (await get()).body.data.attributes;
    expect(attrs.instanceStatus.detailsKind).toBe('CANCELED');
    expect(attrs.endTimestamp).toBe('2026-01-15T10:00:00Z');
  });

  it('lets a run whose plan ends inside the delay end as planned, and says so on the next cancel', async () => {
    // A 1 s sleep then a 1 s step: the plan ends at T0 + 2 s; the cancel would settle at T0 + 60 s.
    const { ft, cancel, get } = await running(60_000, 1);
    expect((await cancel()).status).toBe(200);
    ft.clock.advance(60_000);
    const attrs = (await get()).body.data.attributes;
    expect(attrs.instanceStatus.detailsKind).toBe('SUCCEEDED');
    expect(attrs.endTimestamp).toBe('2026-01-15T10:00:02Z');
    const late = await cancel();
    expect(late.status).toBe(400);
    expect(late.body.errors[0].code).toBe('INVALID_INSTANCE_STATE');
  });

  it('refuses cancelSettleMs outside 0-60000 before starting', async () => {
    await expect(testFlowtwin({ vendors: { datadog: { cancelSettleMs: 60_001 } } })).rejects.toThrow(/cancelSettleMs/);
    await expect(testFlowtwin({ vendors: { datadog: { cancelSettleMs: -1 } } })).rejects.toThrow(/cancelSettleMs/);
  });
});
