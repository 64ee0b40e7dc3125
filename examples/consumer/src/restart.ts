// The code under test: restart a service by running its Datadog workflow and waiting for the run.
import type { v2 } from '@datadog/datadog-api-client';

export class RestartFailedError extends Error {
  constructor(
    readonly instanceId: string,
    readonly status: string,
  ) {
    super(`restart run ${instanceId} ended ${status}`);
  }
}

export interface RestartOptions {
  pollMs?: number;
  /** Real time to wait before canceling the run. */
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Executes the workflow, polls until the run ends; cancels it if it takes longer than timeoutMs. */
export async function restartService(api: v2.WorkflowAutomationApi, workflowId: string, { pollMs = 1000, timeoutMs = 600_000 }: RestartOptions = {}): Promise<string> {
  const run = await api.createWorkflowInstance({ workflowId, body: { meta: { payload: { reason: 'restart' } } } });
  const instanceId = run.data?.id;
  if (!instanceId) throw new Error('Datadog answered without an instance id');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await api.getWorkflowInstance({ workflowId, instanceId });
    // The official client models only attributes.id; the status arrives in additionalProperties.
    const status: string | undefined = got.data?.attributes?.additionalProperties?.instanceStatus?.detailsKind;
    if (status === 'SUCCEEDED') return instanceId;
    if (status === 'FAILED' || status === 'CANCELED') throw new RestartFailedError(instanceId, status);
    if (Date.now() > deadline) {
      await api.cancelWorkflowInstance({ workflowId, instanceId });
      throw new RestartFailedError(instanceId, 'TIMED_OUT');
    }
    await sleep(pollMs);
  }
}
