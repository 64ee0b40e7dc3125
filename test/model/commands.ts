// What a client does to flowtwin in a model-based run (scenarios included, so runs fail and hang too), and what it checks after every step: each
// instance's status is a path in its vendor's table, lists and their counters equal a recount of
// the instances themselves, and nothing acknowledged is lost (across restarts) or kept (across a reset).
import fc from 'fast-check';
import { DD_KEYS, workflowBody } from '../support/flowtwin.js';
import { emptyModel, MACHINES, operated, refused, sighted, type Model, type ModelInstance } from './model.js';
import type { Replica, StoreKind, System } from './system.js';

const PROJECT = '0123456789abcdef0123456789abcdef';
const WS = '7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b';
const SM_AUTH = { 'X-Auth-Token': 'local-development-token' };
const SM_BASE = `/v1/${PROJECT}/workspaces/${WS}/soc/playbooks/instances`;
const SM_STATUSES = ['RUNNING', 'FINISHED', 'FAILED', 'RETRYING', 'TERMINATING', 'TERMINATED'];
/** Enough to reach every state, few enough that a run of 25 steps reads them all in milliseconds. */
const MAX_INSTANCES = 12;

type Cmd = fc.AsyncCommand<Model, System>;

const ddPath = (i: ModelInstance) => `/api/v2/workflows/${i.workflow}/instances/${i.id}`;
const of = (m: Model, vendor: ModelInstance['vendor']) => m.instances.filter((i) => i.vendor === vendor);

/** The instance an operation goes to: aimed at one the model last saw in a state that allows it, when there is one (else any). */
function target(m: Model, vendor: ModelInstance['vendor'], operation: string, pick: number, aim: boolean): ModelInstance {
  const all = of(m, vendor);
  const allowed = all.filter((i) => MACHINES[vendor].operations[operation]!.from.includes(i.last));
  const from = aim && allowed.length > 0 ? allowed : all;
  return from[pick % from.length]!;
}

function expectStatus(res: { status: number; text: string }, want: number, what: string): void {
  if (res.status !== want) throw new Error(`${what}: expected ${want}, got ${res.status} ${res.text}`);
}

class Execute implements Cmd {
  constructor(
    readonly replica: number,
    readonly newWorkflow: boolean,
  ) {}
  check = (m: Model) => m.instances.length < MAX_INSTANCES;
  async run(m: Model, sys: System) {
    const r = sys.replica(this.replica);
    if (this.newWorkflow || m.workflows.length === 0) {
      const wf = await r.http
        .post('/api/v2/workflows')
        .set(DD_KEYS)
        .send(workflowBody({ sleepSeconds: 60 }));
      expectStatus(wf, 201, 'CreateWorkflow');
      m.workflows.push(wf.body.data.id);
    }
    const workflow = m.workflows.at(-1)!;
    const res = await r.http.post(`/api/v2/workflows/${workflow}/instances`).set(DD_KEYS).send({});
    expectStatus(res, 200, 'CreateWorkflowInstance');
    m.instances.push({ vendor: 'datadog', id: res.body.data.id, workflow, last: 'IN_PROGRESS', seen: ['IN_PROGRESS'] });
    await after(m, sys);
  }
  toString = () => `execute(replica ${this.replica}${this.newWorkflow ? ', new workflow' : ''})`;
}

class Trigger implements Cmd {
  constructor(
    readonly replica: number,
    readonly outcome: 'FINISHED' | 'FAILED' | undefined,
  ) {}
  check = (m: Model) => m.instances.length < MAX_INSTANCES;
  async run(m: Model, sys: System) {
    const body = { project_id: PROJECT, workspace_id: WS, ...(this.outcome ? { outcome: this.outcome } : {}) };
    const res = await sys.replica(this.replica).http.post('/__flowtwin/secmaster/trigger').send(body);
    expectStatus(res, 201, 'trigger');
    const instance: ModelInstance = { vendor: 'secmaster', id: res.body.id, last: 'RUNNING', seen: ['RUNNING'] };
    m.instances.push(instance);
    sighted(instance, res.body.status);
    await after(m, sys);
  }
  toString = () => `trigger(replica ${this.replica}, ${this.outcome ?? 'no outcome'})`;
}

class Cancel implements Cmd {
  constructor(
    readonly replica: number,
    readonly pick: number,
    readonly aim: boolean,
  ) {}
  check = (m: Model) => of(m, 'datadog').length > 0;
  async run(m: Model, sys: System) {
    const i = target(m, 'datadog', 'cancel', this.pick, this.aim);
    const res = await sys
      .replica(this.replica)
      .http.put(`${ddPath(i)}/cancel`)
      .set(DD_KEYS)
      .send();
    if (res.status === 200) operated(i, 'cancel', 'CANCELED');
    else {
      expectStatus(res, 400, `CancelWorkflowInstance ${i.id}`);
      const error = res.body.errors[0] as { code: string; detail: string };
      if (error.code !== 'INVALID_INSTANCE_STATE') throw new Error(`cancel refused with ${res.text}`);
      refused(i, 'cancel', /\(status (\w+)\)/.exec(error.detail)![1]!);
    }
    await after(m, sys);
  }
  toString = () => `cancel(replica ${this.replica}, datadog #${this.pick}${this.aim ? ' among the cancelable' : ''})`;
}

class Operate implements Cmd {
  constructor(
    readonly replica: number,
    readonly pick: number,
    readonly operation: 'RETRY' | 'TERMINATE',
    readonly aim: boolean,
  ) {}
  check = (m: Model) => of(m, 'secmaster').length > 0;
  async run(m: Model, sys: System) {
    const i = target(m, 'secmaster', this.operation, this.pick, this.aim);
    const res = await sys.replica(this.replica).http.post(`${SM_BASE}/${i.id}/operation`).set(SM_AUTH).send({ operation: this.operation });
    if (res.status === 200) operated(i, this.operation, res.body.status);
    else {
      expectStatus(res, 400, `ChangePlaybookInstance ${this.operation} ${i.id}`);
      if (res.body.code !== 'SecMaster.20030001') throw new Error(`${this.operation} refused with ${res.text}`);
      refused(i, this.operation, /in status (\w+)$/.exec(res.body.message)![1]!);
    }
    await after(m, sys);
  }
  toString = () => `${this.operation.toLowerCase()}(replica ${this.replica}, secmaster #${this.pick}${this.aim ? ' among the allowed' : ''})`;
}

/** The next run of a vendor goes another way (fails, or hangs in its first step): counters and paths beyond success. */
class Scenario implements Cmd {
  constructor(
    readonly replica: number,
    readonly vendor: 'datadog' | 'secmaster',
    readonly outcome: 'FAILED' | 'HANG',
  ) {}
  check = () => true;
  async run(m: Model, sys: System) {
    const r = sys.replica(this.replica);
    expectStatus(await r.http.post('/__flowtwin/scenarios').send({ vendor: this.vendor, outcome: this.outcome, times: 1 }), 201, 'AddScenario');
    await sys.converge(r);
    await after(m, sys);
  }
  toString = () => `scenario(replica ${this.replica}, ${this.vendor} ${this.outcome} once)`;
}

class Advance implements Cmd {
  constructor(
    readonly replica: number,
    readonly ms: number,
  ) {}
  check = () => true;
  async run(m: Model, sys: System) {
    const r = sys.replica(this.replica);
    expectStatus(await r.http.post('/__flowtwin/clock/advance').send({ ms: this.ms }), 200, 'AdvanceClock');
    await sys.converge(r);
    await after(m, sys);
  }
  toString = () => `advance(replica ${this.replica}, ${this.ms} ms)`;
}

class Reset implements Cmd {
  constructor(readonly replica: number) {}
  check = () => true;
  async run(m: Model, sys: System) {
    const r = sys.replica(this.replica);
    expectStatus(await r.http.post('/__flowtwin/reset').send({ seed: false }), 200, 'Reset');
    await sys.converge(r);
    m.gone.push(...m.instances);
    m.instances = [];
    m.workflows = [];
    await after(m, sys);
  }
  toString = () => `reset(replica ${this.replica})`;
}

class Restart implements Cmd {
  constructor(readonly replica: number) {}
  check = () => true;
  async run(m: Model, sys: System) {
    await sys.restart(this.replica);
    await sys.converge(sys.replica(0));
    await after(m, sys);
  }
  toString = () => `restart(replica ${this.replica})`;
}

/** Every command a client can send to a system of this kind (a memory store does not outlive a restart). */
export function commandsFor(kind: StoreKind): fc.Arbitrary<Cmd>[] {
  const replica = fc.nat({ max: kind === 'redis' ? 1 : 0 });
  const pick = fc.nat({ max: MAX_INSTANCES - 1 });
  const commands: fc.Arbitrary<Cmd>[] = [
    fc.tuple(replica, fc.boolean()).map(([r, fresh]) => new Execute(r, fresh)),
    fc.tuple(replica, fc.constantFrom('FINISHED' as const, 'FAILED' as const, undefined)).map(([r, o]) => new Trigger(r, o)),
    fc.tuple(replica, pick, fc.boolean()).map(([r, p, aim]) => new Cancel(r, p, aim)),
    fc.tuple(replica, pick, fc.constantFrom('RETRY' as const, 'TERMINATE' as const), fc.boolean()).map(([r, p, op, aim]) => new Operate(r, p, op, aim)),
    // Around the SecMaster settle times (1 s, 2 s), the actions' 1 s, and the Datadog sleep of 60 s.
    fc.tuple(replica, fc.constantFrom(500, 1_000, 2_500, 30_000, 61_000)).map(([r, ms]) => new Advance(r, ms)),
    fc
      .tuple(replica, fc.constantFrom('datadog' as const, 'secmaster' as const), fc.constantFrom('FAILED' as const, 'HANG' as const))
      .map(([r, vendor, outcome]) => new Scenario(r, vendor, outcome)),
    replica.map((r) => new Reset(r)),
  ];
  if (kind !== 'memory') commands.push(replica.map((r) => new Restart(r)));
  return commands;
}

export { emptyModel };

/** The checks after every step: each replica sees every instance on a path of its table, the lists and counters match, and reset ids are gone. */
async function after(m: Model, sys: System): Promise<void> {
  for (const r of sys.replicas) for (const i of m.instances) sighted(i, await statusOf(r, i));
  for (const i of m.gone.splice(0)) for (const r of sys.replicas) await expectGone(r, i);
  await recount(m, sys);
}

async function statusOf(r: Replica, i: ModelInstance): Promise<string> {
  if (i.vendor === 'datadog') {
    const res = await r.http.get(ddPath(i)).set(DD_KEYS);
    expectStatus(res, 200, `GetWorkflowInstance ${i.id} (acknowledged, never reset)`);
    return res.body.data.attributes.instanceStatus.detailsKind;
  }
  const res = await r.http.get(`${SM_BASE}/${i.id}`).set(SM_AUTH);
  expectStatus(res, 200, `ShowPlaybookInstance ${i.id} (acknowledged, never reset)`);
  return res.body.status;
}

async function expectGone(r: Replica, i: ModelInstance): Promise<void> {
  if (i.vendor === 'datadog') expectStatus(await r.http.get(ddPath(i)).set(DD_KEYS), 404, `GetWorkflowInstance ${i.id} after a reset`);
  else {
    const res = await r.http.get(`${SM_BASE}/${i.id}`).set(SM_AUTH);
    expectStatus(res, 400, `ShowPlaybookInstance ${i.id} after a reset`);
    if (!/does not exist/.test(res.body.message)) throw new Error(`ShowPlaybookInstance ${i.id} after a reset: ${res.text}`);
  }
}

/**
 * With the clock frozen (so nothing moves between reads), through every replica: a list holds
 * exactly the instances acknowledged since the last reset, and its counters equal a recount of
 * the statuses it lists, each the status the instance itself shows.
 */
async function recount(m: Model, sys: System): Promise<void> {
  const first = sys.replica(0);
  expectStatus(await first.http.post('/__flowtwin/clock/freeze').send(), 200, 'FreezeClock');
  await sys.converge(first);
  for (const r of sys.replicas) {
    for (const workflow of m.workflows)
      await recountDatadog(
        r,
        workflow,
        m.instances.filter((i) => i.workflow === workflow),
      );
    await recountSecMaster(r, of(m, 'secmaster'));
  }
  expectStatus(await first.http.post('/__flowtwin/clock/resume').send(), 200, 'ResumeClock');
  await sys.converge(first);
}

async function recountDatadog(r: Replica, workflow: string, expected: ModelInstance[]): Promise<void> {
  const res = await r.http.get(`/api/v2/workflows/${workflow}/instances?page%5Bsize%5D=100&page%5Bnumber%5D=0`).set(DD_KEYS);
  expectStatus(res, 200, 'ListWorkflowInstances');
  const items = res.body.data as { id: string; attributes: { instanceStatus: { detailsKind: string } } }[];
  const listed = new Map(items.map((item) => [item.id, item.attributes.instanceStatus.detailsKind]));
  sameIds(`workflow ${workflow}'s list`, [...listed.keys()], expected);
  const count = (state: string) => items.filter((item) => item.attributes.instanceStatus.detailsKind === state).length;
  const meta = res.body.meta;
  const recounted = { canceledCount: count('CANCELED'), failedCount: count('FAILED'), succeededCount: count('SUCCEEDED'), totalCount: items.length };
  const told = { canceledCount: meta.canceledCount, failedCount: meta.failedCount, succeededCount: meta.succeededCount, totalCount: meta.page.totalCount };
  if (JSON.stringify(told) !== JSON.stringify(recounted))
    throw new Error(`workflow ${workflow}: meta ${JSON.stringify(told)}, recount ${JSON.stringify(recounted)}`);
  for (const i of expected) {
    const own = await statusOf(r, i);
    if (listed.get(i.id) !== own) throw new Error(`instance ${i.id} is listed ${listed.get(i.id)} but shows ${own}`);
    sighted(i, own);
  }
}

async function recountSecMaster(r: Replica, expected: ModelInstance[]): Promise<void> {
  const list = async (query: string) => {
    const res = await r.http.get(`${SM_BASE}?offset=0&limit=100${query}`).set(SM_AUTH);
    expectStatus(res, 200, `ListPlaybookInstances${query}`);
    return res.body as { count: number; instances: { id: string; status: string }[] };
  };
  const all = await list('');
  sameIds(
    'the workspace list',
    all.instances.map((i) => i.id),
    expected,
  );
  if (all.count !== all.instances.length) throw new Error(`the workspace list counts ${all.count} but lists ${all.instances.length}`);
  for (const status of SM_STATUSES) {
    const filtered = await list(`&status=${status}`);
    const recounted = all.instances.filter((i) => i.status === status).map((i) => i.id);
    if (filtered.count !== recounted.length || JSON.stringify(filtered.instances.map((i) => i.id).sort()) !== JSON.stringify(recounted.sort())) {
      throw new Error(
        `status ${status}: the list says ${filtered.count} (${filtered.instances.map((i) => i.id)}), a recount ${recounted.length} (${recounted})`,
      );
    }
  }
  const listed = new Map(all.instances.map((i) => [i.id, i.status]));
  for (const i of expected) {
    const own = await statusOf(r, i);
    if (listed.get(i.id) !== own) throw new Error(`instance ${i.id} is listed ${listed.get(i.id)} but shows ${own}`);
    sighted(i, own);
  }
}

function sameIds(where: string, listed: string[], expected: ModelInstance[]): void {
  const want = expected.map((i) => i.id).sort();
  const got = [...listed].sort();
  if (JSON.stringify(got) !== JSON.stringify(want))
    throw new Error(`${where} holds ${JSON.stringify(got)}; acknowledged since the last reset: ${JSON.stringify(want)}`);
}
