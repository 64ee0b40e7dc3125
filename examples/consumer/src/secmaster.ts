// The code under test: stop a Huawei SecMaster playbook run and wait until it has stopped.

export interface Workspace {
  /** e.g. https://secmaster.cn-north-4.myhuaweicloud.com */
  endpoint: string;
  projectId: string;
  workspaceId: string;
  /** An IAM token (X-Auth-Token). */
  token: string;
}

export interface TerminateOptions {
  pollMs?: number;
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function call(ws: Workspace, method: string, path: string, body?: unknown): Promise<{ status: string }> {
  const res = await fetch(`${ws.endpoint}/v1/${ws.projectId}/workspaces/${ws.workspaceId}/soc/playbooks/instances/${path}`, {
    method,
    headers: { 'X-Auth-Token': ws.token, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as { status: string; code?: string; message?: string };
  if (!res.ok) throw new Error(`SecMaster ${method} ${path}: ${res.status} ${json.code}: ${json.message}`);
  return json;
}

/** Terminates a running playbook instance and resolves once SecMaster reports it TERMINATED. */
export async function terminatePlaybookInstance(ws: Workspace, instanceId: string, { pollMs = 1000, timeoutMs = 60_000 }: TerminateOptions = {}): Promise<void> {
  await call(ws, 'POST', `${instanceId}/operation`, { operation: 'TERMINATE' });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status } = await call(ws, 'GET', instanceId);
    if (status === 'TERMINATED') return;
    if (status !== 'TERMINATING') throw new Error(`playbook instance ${instanceId} is ${status}, not TERMINATED`);
    if (Date.now() > deadline) throw new Error(`playbook instance ${instanceId} still TERMINATING after ${timeoutMs} ms`);
    await sleep(pollMs);
  }
}
