// A mixed workload against a running flowtwin: many keep-alive clients, each picking the next call
// at random (seeded) among Datadog executes, gets, lists and cancels and SecMaster lists, shows and
// operations, for a fixed time. Every answer is checked against what that call may answer; the
// rest are errors, kept with their bodies.
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';

export const DD = { 'DD-API-KEY': 'flowtwin-api-key', 'DD-APPLICATION-KEY': 'flowtwin-app-key', 'content-type': 'application/json' };
export const SM = { project: '0123456789abcdef0123456789abcdef', workspace: '7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b' };
const SM_HEADERS = { 'X-Auth-Token': 'flowtwin-soak-token', 'content-type': 'application/json' };
export const CONTROL = { 'content-type': 'application/json' };

export interface Answer {
  status: number;
  body: any;
}

/** A keep-alive client of one flowtwin: `clients` sockets at most. */
export function client(base: string, clients: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const send = (method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(`${base}${path}`, { method, agent, headers: payload === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(payload) }, timeout: 30_000 }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            // kept as text: an error report shows what came back
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within 30 s: ${method} ${path}`)));
      req.on('error', reject);
      req.end(payload);
    });
  return { send, close: () => agent.destroy() };
}

/** xorshift32: a run's sequence of calls repeats from its seed. */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

export interface SoakTargets {
  /** The workflow the executes start runs of; only this workload starts them. */
  workflowId: string;
  /** SecMaster playbook instances to show and operate on. */
  smInstances: string[];
}

export interface SoakResult {
  requests: number;
  seconds: number;
  byOperation: Record<string, number>;
  /** Per operation: p50 and p99 latency in ms. */
  latency: Record<string, { p50: number; p99: number }>;
  /** Ids answered by each execute's 200, in answer order. */
  created: string[];
  /** Runs whose cancel was answered 200. */
  canceled: string[];
  /** 503s on GetWorkflowInstance, which the fault rule injects. */
  injected: number;
  errors: string[];
}

type Op = 'execute' | 'get' | 'list' | 'cancel' | 'sm-list' | 'sm-show' | 'sm-operate';
const MIX: [Op, number][] = [['execute', 20], ['get', 30], ['list', 10], ['cancel', 10], ['sm-list', 10], ['sm-show', 10], ['sm-operate', 10]];

export async function soak(base: string, targets: SoakTargets, { seconds, clients, seed = 1 }: { seconds: number; clients: number; seed?: number }): Promise<SoakResult> {
  const http = client(base, clients);
  const result: SoakResult = { requests: 0, seconds, byOperation: {}, latency: {}, created: [], canceled: [], injected: 0, errors: [] };
  const instances = `/api/v2/workflows/${targets.workflowId}/instances`;
  const smBase = `/v1/${SM.project}/workspaces/${SM.workspace}/soc/playbooks/instances`;
  const total = MIX.reduce((n, [, w]) => n + w, 0);
  const times: Record<string, number[]> = {};
  const deadline = performance.now() + seconds * 1000;

  const one = async (op: Op, rnd: () => number): Promise<void> => {
    const pick = <T>(list: T[]): T => list[Math.floor(rnd() * list.length)]!;
    // Until the first run exists, a get or a cancel starts one instead.
    if ((op === 'get' || op === 'cancel') && result.created.length === 0) op = 'execute';
    let a: Answer;
    let ok: boolean;
    const started = performance.now();
    switch (op) {
      case 'execute':
        a = await http.send('POST', instances, DD, { meta: { payload: { soak: true } } });
        ok = a.status === 200 && typeof a.body?.data?.id === 'string';
        if (ok) result.created.push(a.body.data.id);
        break;
      case 'get':
        a = await http.send('GET', `${instances}/${pick(result.created)}`, DD);
        // The one 5xx allowed: the fault rule's, in Datadog's shape.
        if (a.status === 503 && a.body?.errors?.[0] === 'Service Unavailable') result.injected++;
        ok = (a.status === 200 && typeof a.body?.data?.attributes?.instanceStatus?.detailsKind === 'string') || (a.status === 503 && a.body?.errors?.[0] === 'Service Unavailable');
        break;
      case 'list':
        a = await http.send('GET', `${instances}?page%5Bsize%5D=10&page%5Bnumber%5D=0`, DD);
        ok = a.status === 200 && Array.isArray(a.body?.data) && a.body.meta.succeededCount + a.body.meta.canceledCount + a.body.meta.failedCount <= a.body.meta.page.totalCount;
        break;
      case 'cancel': {
        const id = pick(result.created);
        a = await http.send('PUT', `${instances}/${id}/cancel`, DD);
        if (a.status === 200) result.canceled.push(id);
        // A run that already finished, or that another client canceled first, is refused.
        ok = a.status === 200 || (a.status === 400 && a.body?.errors?.[0]?.code === 'INVALID_INSTANCE_STATE');
        break;
      }
      case 'sm-list':
        a = await http.send('GET', `${smBase}?limit=10&offset=0`, SM_HEADERS);
        ok = a.status === 200 && Array.isArray(a.body?.instances) && typeof a.body?.count === 'number';
        break;
      case 'sm-show':
        a = await http.send('GET', `${smBase}/${pick(targets.smInstances)}`, SM_HEADERS);
        ok = a.status === 200 && typeof a.body?.status === 'string';
        break;
      case 'sm-operate':
        a = await http.send('POST', `${smBase}/${pick(targets.smInstances)}/operation`, SM_HEADERS, { operation: rnd() < 0.5 ? 'RETRY' : 'TERMINATE' });
        // An operation the instance's status does not allow is SecMaster's 400.
        ok = a.status === 200 || (a.status === 400 && a.body?.code === 'SecMaster.20030001');
        break;
    }
    result.requests++;
    result.byOperation[op] = (result.byOperation[op] ?? 0) + 1;
    (times[op] ??= []).push(performance.now() - started);
    if (!ok && result.errors.length < 50) result.errors.push(`${op}: ${a.status} ${JSON.stringify(a.body).slice(0, 300)}`);
  };

  const worker = async (n: number): Promise<void> => {
    const rnd = random(seed * 7919 + n);
    while (performance.now() < deadline) {
      let roll = rnd() * total;
      const op = MIX.find(([, w]) => (roll -= w) < 0)?.[0] ?? 'get';
      await one(op, rnd).catch((err: Error) => {
        result.requests++;
        if (result.errors.length < 50) result.errors.push(`${op}: ${err.message}`);
      });
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, (_, n) => worker(n)));
  result.seconds = (performance.now() - started) / 1000;
  for (const [op, list] of Object.entries(times)) {
    list.sort((x, y) => x - y);
    const at = (q: number) => Math.round(list[Math.min(list.length - 1, Math.floor(q * list.length))]!);
    result.latency[op] = { p50: at(0.5), p99: at(0.99) };
  }
  http.close();
  return result;
}

/** Resident set size of a process now, in MB (Linux /proc). */
export function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return kb ? Math.round(Number(kb) / 1024) : Number.NaN;
}
