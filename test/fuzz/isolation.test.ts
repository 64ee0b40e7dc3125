// Tenant isolation under random interleavings: two Datadog orgs (key pairs) and two SecMaster
// projects (IAM tokens) create, list, read, cancel, retry and terminate, and use the control
// plane's per-tenant calls (clock, reset, journal, scenarios, faults, events, the SecMaster trigger),
// naming each other's ids and projects as often as their own. Whatever the order, no answer to a
// tenant carries another tenant's ids, no call with one tenant's credentials changes another's
// records, clock or rules, the event stream opened with a tenant's credentials carries only that
// tenant's transitions, and a tenant's journal holds its own last JOURNAL_LIMIT requests, however
// many the others sent.
import http from 'node:http';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCaller } from '../../src/vendors/datadog/auth.js';
import { validWorkflow } from './arbitraries.js';
import { fuzzParameters, startFuzzServer, type FuzzServer, type RawRequest, type RawResponse } from './harness.js';

type Name = 'ddA' | 'ddB' | 'smA' | 'smB';
const NAMES: Name[] = ['ddA', 'ddB', 'smA', 'smB'];
const DD_KEYS = {
  ddA: { 'DD-API-KEY': 'iso-api-key-a', 'DD-APPLICATION-KEY': 'iso-app-key-a' },
  ddB: { 'DD-API-KEY': 'iso-api-key-b', 'DD-APPLICATION-KEY': 'iso-app-key-b' },
};
const PROJECT = { smA: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', smB: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' };
const WORKSPACE = { smA: 'aaaaaaaa-0000-4000-8000-00000000000a', smB: 'bbbbbbbb-0000-4000-8000-00000000000b' };
/** The tenant each name's credentials stand for, as the store and the events name it. */
const TENANT: Record<Name, string> = { ddA: buildCaller({ apiKey: DD_KEYS.ddA['DD-API-KEY'], appKey: DD_KEYS.ddA['DD-APPLICATION-KEY'] }).tenant, ddB: buildCaller({ apiKey: DD_KEYS.ddB['DD-API-KEY'], appKey: DD_KEYS.ddB['DD-APPLICATION-KEY'] }).tenant, smA: PROJECT.smA, smB: PROJECT.smB };
const isDd = (n: Name): n is 'ddA' | 'ddB' => n.startsWith('dd');
/** Small, so the tenants' traffic would push each other's requests out of one shared journal. */
const JOURNAL_LIMIT = 4;

/** What one run knows: each tenant's ids and rules, and its credentials. */
class World {
  readonly ids: Record<Name, Set<string>> = { ddA: new Set(), ddB: new Set(), smA: new Set(), smB: new Set() };
  /** Datadog instance -> its workflow. */
  readonly workflowOf = new Map<string, string>();
  readonly workflows: Record<'ddA' | 'ddB', string[]> = { ddA: [], ddB: [] };
  readonly instances: Record<Name, string[]> = { ddA: [], ddB: [], smA: [], smB: [] };
  readonly rules: Record<Name, string[]> = { ddA: [], ddB: [], smA: [], smB: [] };
  readonly tokens: Record<'smA' | 'smB', string> = { smA: '', smB: '' };
  /** Vendor requests each tenant made with its own credentials since its last reset: all journaled as its. */
  readonly journaled: Record<Name, number> = { ddA: 0, ddB: 0, smA: 0, smB: 0 };

  /** Paths and bodies each tenant has sent: ids it named itself may come back to it (a refusal, its journal). */
  readonly named: Record<Name, string> = { ddA: '', ddB: '', smA: '', smB: '' };
  actor: Name = 'ddA';

  constructor(readonly server: FuzzServer) {}

  send(req: RawRequest): Promise<RawResponse> {
    this.named[this.actor] += `${req.path} ${String(req.body ?? '')}\n`;
    return this.server.send(req);
  }

  credentials(n: Name): Record<string, string> {
    return isDd(n) ? DD_KEYS[n] : { 'X-Auth-Token': this.tokens[n] };
  }

  own(n: Name, id: string): void {
    this.ids[n].add(id);
  }

  /** Everything a tenant's answer must not contain: the other tenants' ids. */
  foreign(n: Name): string[] {
    return NAMES.filter((m) => m !== n).flatMap((m) => [...this.ids[m]]);
  }

  forget(n: Name): void {
    this.ids[n].clear();
    this.instances[n].length = 0;
    this.journaled[n] = 0;
    if (isDd(n)) this.workflows[n].length = 0;
  }
}

/** One step: who acts, what it does, and which tenant's ids it names (its own or another's). */
interface Step {
  actor: Name;
  target: Name;
  op: number;
  pick: number;
  choice: number;
}

const step: fc.Arbitrary<Step> = fc.record({
  actor: fc.constantFrom(...NAMES),
  target: fc.constantFrom(...NAMES),
  op: fc.nat({ max: 1000 }),
  pick: fc.nat({ max: 1000 }),
  choice: fc.nat({ max: 1000 }),
});

const at = <T>(list: T[], i: number, fallback: T): T => (list.length === 0 ? fallback : list[i % list.length]!);
const UNKNOWN = '00000000-0000-4000-8000-0000000fffff';
const json = (body: unknown) => ({ 'content-type': 'application/json', body: JSON.stringify(body) });

/** Runs a step as its actor; returns the answer (or undefined for a step with nothing to do). */
async function run(w: World, s: Step): Promise<RawResponse | undefined> {
  const { actor, target } = s;
  w.actor = actor;
  const creds = w.credentials(actor);
  const send = async (method: string, path: string, body?: unknown) => {
    const res = await w.send({ method, path, headers: { ...creds, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    if (!path.startsWith('/__flowtwin/')) w.journaled[actor]++;
    return res;
  };
  /**
   * The trigger names its project in the body, with the actor's credentials: its own project, or
   * now and then another's (a Datadog actor has none), which must be refused and create nothing there.
   */
  const trigger = async () => {
    const own = !isDd(actor) && (s.choice % 3 !== 2 || isDd(target) || target === actor);
    const project = own ? PROJECT[actor as 'smA' | 'smB'] : PROJECT[isDd(target) ? 'smA' : (target as 'smA' | 'smB')];
    const workspace = own ? WORKSPACE[actor as 'smA' | 'smB'] : WORKSPACE[isDd(target) ? 'smA' : (target as 'smA' | 'smB')];
    const res = await send('POST', '/__flowtwin/secmaster/trigger', { project_id: project, workspace_id: workspace, outcome: s.choice % 2 ? 'FAILED' : 'FINISHED' });
    if (!own && res.status !== 403) throw new Error(`${actor}'s trigger in project ${project} was answered ${res.status}, not 403: ${res.text.slice(0, 200)}`);
    if (res.status === 201) {
      const info = res.json as { id: string; playbook: { id: string; version_id: string } };
      w.instances[actor].push(info.id);
      for (const id of [info.id, info.playbook.id, info.playbook.version_id]) w.own(actor, id);
    }
    return res;
  };
  const targetInstance = at(w.instances[target], s.pick, UNKNOWN);
  const ops: (() => Promise<RawResponse | undefined>)[] = [
    // The control plane, with the actor's credentials.
    () => send('GET', '/__flowtwin/clock'),
    () => send('POST', '/__flowtwin/clock/advance', { ms: (s.choice % 5) * 1000 }),
    () => send('GET', '/__flowtwin/journal'),
    () => send('POST', '/__flowtwin/journal/verify', { count: 0 }),
    () => send('GET', '/__flowtwin/scenarios'),
    () => send('GET', '/__flowtwin/faults'),
    async () => {
      const res = await send('POST', '/__flowtwin/faults', { operation: isDd(actor) ? 'ListWorkflows' : 'ListPlaybooks', latencyMs: 1 });
      if (res.status === 201) w.rules[actor].push((res.json as { id: string }).id);
      return res;
    },
    async () => {
      const res = await send('POST', '/__flowtwin/scenarios', isDd(actor) ? { vendor: 'datadog', outcome: 'FAILED', times: 5 } : { vendor: 'secmaster', outcome: 'FAILED', times: 5 });
      if (res.status === 201) w.rules[actor].push((res.json as { id: string }).id);
      return res;
    },
    async () => {
      const id = at(w.rules[target], s.pick, 'fault-999');
      const res = await send('DELETE', `/__flowtwin/${id.startsWith('fault') ? 'faults' : 'scenarios'}/${id}`);
      if (res.status === 204) w.rules[target].splice(w.rules[target].indexOf(id), 1);
      return res;
    },
    () => send('POST', '/__flowtwin/scenarios', { vendor: isDd(actor) ? 'datadog' : 'secmaster', outcome: isDd(actor) ? 'SUCCEEDED' : 'FINISHED', instance_id: targetInstance }),
    async () => {
      if (s.choice % 4 !== 0) return undefined; // rarer: it empties the actor's world
      const res = await send('POST', '/__flowtwin/reset');
      if (res.status === 200) w.forget(actor);
      return res;
    },
  ];
  if (isDd(actor)) {
    const wf = at(w.workflows[isDd(target) ? target : actor], s.pick, UNKNOWN);
    const inst = isDd(target) ? targetInstance : UNKNOWN;
    const instWf = w.workflowOf.get(inst) ?? wf;
    ops.push(
      async () => {
        const res = await send('POST', '/api/v2/workflows', validWorkflow(`wf-${actor}`, 1 + (s.choice % 4)));
        const id = (res.json as { data: { id: string } }).data.id;
        w.workflows[actor].push(id);
        w.own(actor, id);
        return res;
      },
      async () => {
        const res = await send('POST', `/api/v2/workflows/${wf}/instances`, {});
        if (res.status === 200) {
          const id = (res.json as { data: { id: string } }).data.id;
          w.instances[actor].push(id);
          w.workflowOf.set(id, wf);
          w.own(actor, id);
        }
        return res;
      },
      () => send('GET', '/api/v2/workflows?limit=100'),
      () => send('GET', `/api/v2/workflows/${wf}`),
      () => send('PATCH', `/api/v2/workflows/${wf}`, { data: { type: 'workflows', attributes: { description: `by ${actor}` } } }),
      () => send('GET', `/api/v2/workflows/${wf}/instances?page[size]=100`),
      () => send('GET', `/api/v2/workflows/${instWf}/instances/${inst}`),
      () => send('PUT', `/api/v2/workflows/${instWf}/instances/${inst}/cancel`),
      trigger,
    );
  } else {
    const project = PROJECT[actor];
    const workspace = isDd(target) ? WORKSPACE[actor] : WORKSPACE[target];
    const inst = isDd(target) ? UNKNOWN : targetInstance;
    const base = `/v1/${project}/workspaces/${workspace}/soc/playbooks`;
    ops.push(
      trigger,
      () => send('GET', `${base}/instances?limit=100&offset=0`),
      () => send('GET', `${base}/instances/${inst}`),
      () => send('GET', `${base}/instances/${inst}/topology`),
      () => send('POST', `${base}/instances/auditlogs?limit=100&offset=0`, {}),
      () => send('POST', `${base}/instances/${inst}/operation`, { operation: s.choice % 2 ? 'RETRY' : 'TERMINATE' }),
      () => send('GET', `${base}?limit=100&offset=0`),
      // Another project's path with the actor's token: the gateway refuses it.
      () => w.send({ method: 'GET', path: `/v1/${PROJECT[actor === 'smA' ? 'smB' : 'smA']}/workspaces/${WORKSPACE[actor === 'smA' ? 'smB' : 'smA']}/soc/playbooks/instances?limit=100&offset=0`, headers: creds }),
    );
  }
  return ops[s.op % ops.length]!();
}

/** An event stream opened with a tenant's credentials; collects every transition it is sent. */
function openEvents(server: FuzzServer, headers: Record<string, string>): { events: { tenant: string; instanceId: string }[]; close(): void } {
  const events: { tenant: string; instanceId: string }[] = [];
  const [host, port] = server.host.split(':');
  const req = http.request({ host, port: Number(port), path: '/__flowtwin/events', headers });
  let buffer = '';
  req.on('response', (res) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      for (let i = buffer.indexOf('\n\n'); i >= 0; i = buffer.indexOf('\n\n')) {
        const data = /^data: (.*)$/m.exec(buffer.slice(0, i))?.[1];
        if (data) events.push(JSON.parse(data) as { tenant: string; instanceId: string });
        buffer = buffer.slice(i + 2);
      }
    });
  });
  req.on('error', () => undefined);
  req.end();
  return { events, close: () => req.destroy() };
}

/** The state that belongs to every tenant but `actor`: their records, clocks and rules. */
async function othersState(w: World, actor: Name): Promise<string> {
  const mine = TENANT[actor];
  const records = await w.server.store.dump((kind, tenant) => tenant !== mine && kind !== 'flowtwin.control');
  const views = await Promise.all(
    NAMES.filter((n) => n !== actor).map(async (n) => {
      const clock = await w.server.send({ method: 'GET', path: '/__flowtwin/clock', headers: w.credentials(n) });
      const faults = await w.server.send({ method: 'GET', path: '/__flowtwin/faults', headers: w.credentials(n) });
      const scenarios = await w.server.send({ method: 'GET', path: '/__flowtwin/scenarios', headers: w.credentials(n) });
      const own = (list: unknown) => (list as { tenant?: string }[]).filter((r) => r.tenant === TENANT[n]);
      return JSON.stringify([clock.json, own((faults.json as { faults: unknown }).faults), own((scenarios.json as { scenarios: unknown }).scenarios)]);
    }),
  );
  return records + views.join('\n');
}

async function checkStep(w: World, s: Step): Promise<string[]> {
  const before = await othersState(w, s.actor);
  const res = await run(w, s);
  if (!res) return [];
  const problems: string[] = [];
  if (res.status >= 500) problems.push(`5xx: ${res.status} ${res.text.slice(0, 200)}`);
  // An id the tenant named itself may come back ("instance X does not exist", its journal): that tells it nothing.
  const leaked = w.foreign(s.actor).filter((id) => res.text.includes(id) && !w.named[s.actor].includes(id));
  if (leaked.length > 0) problems.push(`${s.actor}'s answer (${res.status}) carries other tenants' ids ${leaked.join(', ')}: ${res.text.slice(0, 300)}`);
  for (const list of [(res.json as { faults?: unknown })?.faults, (res.json as { scenarios?: unknown })?.scenarios]) {
    if (!Array.isArray(list)) continue;
    const others = (list as { tenant?: string; id: string }[]).filter((r) => r.tenant !== undefined && r.tenant !== TENANT[s.actor]);
    if (others.length > 0) problems.push(`${s.actor} was listed other tenants' rules ${others.map((r) => r.id).join(', ')}`);
  }
  const entries = (res.json as { entries?: { tenant?: string }[] })?.entries;
  if (Array.isArray(entries) && entries.some((e) => e.tenant !== TENANT[s.actor])) problems.push(`${s.actor} was shown journal entries of other tenants`);
  // Its own requests are all there, up to the limit: the other tenants' traffic pushed none out.
  const expected = Math.min(w.journaled[s.actor], JOURNAL_LIMIT);
  const seen = Array.isArray(entries) ? entries.length : (res.json as { seen?: unknown })?.seen ?? (res.status === 200 && (res.json as { verified?: boolean })?.verified ? 0 : undefined);
  if (seen !== undefined && seen !== expected) problems.push(`${s.actor}'s journal holds ${String(seen)} of its requests, not ${expected}`);
  const after = await othersState(w, s.actor);
  if (after !== before) problems.push(`${s.actor}'s call (${res.status}) changed another tenant's records, clock or rules`);
  return problems;
}

describe('tenant isolation under random interleavings of four tenants', () => {
  it('never shows, changes or streams one tenant\'s instances, workflows, playbooks, clock or rules to another', async () => {
    const { seed, numRuns } = fuzzParameters('isolation', 25);
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 10, maxLength: 40 }), async (steps) => {
        const server = await startFuzzServer({ journalLimit: JOURNAL_LIMIT });
        const w = new World(server);
        const streams = new Map<Name, ReturnType<typeof openEvents>>();
        try {
          for (const n of ['smA', 'smB'] as const) {
            const issued = await server.send({ method: 'POST', path: '/v3/auth/tokens', ...json({ auth: { identity: { methods: ['password'], password: { user: { name: n, password: 'pw' } } }, scope: { project: { id: PROJECT[n] } } } }), headers: { 'content-type': 'application/json' } });
            w.tokens[n] = String(issued.headers['x-subject-token']);
          }
          // Each tenant starts with a workflow (or playbook) and a running instance of its own.
          for (const n of NAMES) {
            await run(w, { actor: n, target: n, op: isDd(n) ? 11 : 11, pick: 0, choice: 0 });
            if (isDd(n)) await run(w, { actor: n, target: n, op: 12, pick: 0, choice: 0 });
          }
          for (const n of NAMES) streams.set(n, openEvents(server, w.credentials(n)));
          for (const s of steps) {
            const problems = await checkStep(w, s);
            expect(problems, JSON.stringify(s)).toEqual([]);
          }
          // Let the streams catch up with the last transitions: a global clock move and a tick.
          await server.send({ method: 'POST', path: '/__flowtwin/clock/advance', ...json({ ms: 60_000 }), headers: { 'content-type': 'application/json' } });
          await new Promise((r) => setTimeout(r, 50));
          for (const [n, stream] of streams) {
            const strangers = stream.events.filter((e) => e.tenant !== TENANT[n]);
            expect(strangers, `events streamed to ${n}`).toEqual([]);
          }
          const seen = [...streams.values()].reduce((sum, st) => sum + st.events.length, 0);
          expect(seen, 'the streams saw transitions at all').toBeGreaterThan(0);
        } finally {
          for (const st of streams.values()) st.close();
          await server.close();
        }
      }),
      { seed, numRuns, endOnFailure: true },
    );
  }, 120_000);
});
