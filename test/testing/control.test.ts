// The control client against a running flowtwin: every call, its typed answer, its effect on the
// vendor APIs, and the errors it throws (status and problem+json detail).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlowtwinControlError, JournalVerificationError, closeAll, startFlowtwin, type StartedFlowtwin } from '../../src/testing/index.js';
import { PROJECT, SEEDED_KEYS, T0, WORKSPACE, datadog, sleepWorkflow } from './support.js';

const KEYS = { 'DD-API-KEY': 'suite-api', 'DD-APPLICATION-KEY': 'suite-app' };
const OTHER = { 'DD-API-KEY': 'other-api', 'DD-APPLICATION-KEY': 'other-app' };
const violations: string[] = [];
let ft: StartedFlowtwin;

beforeEach(async () => {
  ft = await startFlowtwin({ frozenAt: T0, onResponseViolation: (v) => void violations.push(`${v.method} ${v.path}: ${v.message}`) });
});
afterEach(async () => {
  await closeAll();
  expect(violations.splice(0), 'responses that break the spec').toEqual([]);
});

async function workflow(keys = KEYS, sleepSeconds = 300): Promise<string> {
  const res = await datadog(ft.url, 'POST', '/api/v2/workflows', keys, sleepWorkflow(sleepSeconds));
  expect(res.status).toBe(201);
  return res.body.data.id;
}
async function execute(workflowId: string, keys = KEYS): Promise<string> {
  const res = await datadog(ft.url, 'POST', `/api/v2/workflows/${workflowId}/instances`, keys, {});
  expect(res.status).toBe(200);
  return res.body.data.id;
}
async function status(workflowId: string, instanceId: string, keys = KEYS): Promise<string> {
  return (await datadog(ft.url, 'GET', `/api/v2/workflows/${workflowId}/instances/${instanceId}`, keys)).body.data.attributes.instanceStatus.detailsKind;
}
async function thrown(promise: Promise<unknown>): Promise<FlowtwinControlError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(FlowtwinControlError);
  return err as FlowtwinControlError;
}

describe('control client: health, reset, clock', () => {
  it('health() answers the version, vendors and clock', async () => {
    const health = await ft.control.health();
    expect(health).toMatchObject({ status: 'ok', vendors: ['datadog', 'secmaster', 'huawei-iam'], clock: { now: Date.parse(T0), frozen: true } });
  });

  it('freezes, advances, speeds up and resumes the clock, each answering the clock after the call', async () => {
    expect(await ft.control.clock.advance(60_000)).toMatchObject({ now: Date.parse(T0) + 60_000, frozen: true, speed: 1 });
    expect(await ft.control.clock.speed(1000)).toMatchObject({ frozen: true, speed: 1000 });
    const resumed = await ft.control.clock.resume();
    expect(resumed.frozen).toBe(false);
    await new Promise((r) => setTimeout(r, 30));
    const later = await ft.control.clock.freeze();
    expect(later.frozen).toBe(true);
    // 30 ms of real time at speed 1000 is at least 30 s of virtual time.
    expect(later.now - resumed.now).toBeGreaterThanOrEqual(30_000);
    expect(await ft.control.clock.get()).toEqual(later);
  });

  it('advance() finishes a run as if the time had passed', async () => {
    const wf = await workflow();
    const run = await execute(wf);
    await ft.control.clock.advance(300_000);
    expect(await status(wf, run)).toBe('IN_PROGRESS');
    await ft.control.clock.advance(1_000);
    expect(await status(wf, run)).toBe('SUCCEEDED');
  });

  it('reset() reloads the fixtures; reset({ seed: false }) leaves the store empty', async () => {
    await workflow(SEEDED_KEYS);
    expect((await datadog(ft.url, 'GET', '/api/v2/workflows', SEEDED_KEYS)).body.data).toHaveLength(3);
    expect(await ft.control.reset()).toMatchObject({ status: 'reset', seeded: true });
    expect((await datadog(ft.url, 'GET', '/api/v2/workflows', SEEDED_KEYS)).body.data).toHaveLength(2);
    expect(await ft.control.reset({ seed: false })).toMatchObject({ status: 'reset', seeded: false });
    expect((await datadog(ft.url, 'GET', '/api/v2/workflows', SEEDED_KEYS)).body.data).toEqual([]);
  });

  it('throws the problem+json detail and status of a refused call', async () => {
    const err = await thrown(ft.control.clock.advance(-1));
    expect(err.status).toBe(400);
    expect(err.detail).toBe('body must be {"ms": <integer from 0 to 3155760000000 (100 years)>}');
    expect(err.problem).toMatchObject({ title: 'Bad Request', status: 400 });
    expect(err.message).toBe('POST /__flowtwin/clock/advance answered 400: body must be {"ms": <integer from 0 to 3155760000000 (100 years)>}');
  });
});

describe('control client: scenarios, faults, rate limits', () => {
  it('adds, lists and removes scenarios; the next run fails as the scenario says', async () => {
    const wf = await workflow();
    const scenario = await ft.control.scenarios.add({ vendor: 'datadog', workflow_id: wf, outcome: 'FAILED', failStep: 'Sleep', times: 1 });
    expect(scenario).toMatchObject({ vendor: 'datadog', target: wf, outcome: 'fail', step: 'Sleep', times: 1, hits: 0 });
    expect(await ft.control.scenarios.list()).toEqual([scenario]);
    const failing = await execute(wf);
    await ft.control.clock.advance(301_000);
    expect(await status(wf, failing)).toBe('FAILED');
    expect(await ft.control.scenarios.list()).toEqual([]);
    const hang = await ft.control.scenarios.add({ vendor: 'datadog', outcome: 'HANG' });
    await ft.control.scenarios.remove(hang.id);
    expect(await ft.control.scenarios.list()).toEqual([]);
    const err = await thrown(ft.control.scenarios.remove(hang.id));
    expect([err.status, err.detail]).toEqual([404, `no scenario ${hang.id}`]);
  });

  it('adds, lists and removes faults; a fault answers in the vendor\'s shape', async () => {
    const fault = await ft.control.faults.add({ vendor: 'datadog', operation: 'ListWorkflows', status: 503, times: 1 });
    expect(fault).toMatchObject({ vendor: 'datadog', operation: 'ListWorkflows', status: 503, times: 1, hits: 0 });
    expect(await ft.control.faults.list()).toEqual([fault]);
    expect((await datadog(ft.url, 'GET', '/api/v2/workflows', KEYS)).status).toBe(503);
    expect((await datadog(ft.url, 'GET', '/api/v2/workflows', KEYS)).status).toBe(200);
    const slow = await ft.control.faults.add({ vendor: 'secmaster', latencyMs: 10 });
    await ft.control.faults.remove(slow.id);
    expect(await ft.control.faults.list()).toEqual([]);
    const err = await thrown(ft.control.faults.add({ vendor: 'datadog', operation: 'NoSuchOperation' }));
    expect(err.status).toBe(400);
    expect(err.detail).toMatch(/^operation must be an operationId of datadog's spec/);
  });

  it('adds, lists and removes overrides; an override answers exactly what it was given', async () => {
    const body = { data: [], meta: { page: { totalCount: 7, totalFilteredCount: 0 } } };
    const override = await ft.control.overrides.add({ operation: 'ListWorkflows', status: 200, body, times: 1 });
    expect(override).toMatchObject({ vendor: 'datadog', operation: 'ListWorkflows', status: 200, times: 1, hits: 0 });
    expect(await ft.control.overrides.list()).toEqual([override]);
    const answered = await datadog(ft.url, 'GET', '/api/v2/workflows', KEYS);
    expect([answered.status, answered.body]).toEqual([200, body]);
    const kept = await ft.control.overrides.add({ operation: 'ListWorkflows', status: 200, body });
    await ft.control.overrides.remove(kept.id);
    expect(await ft.control.overrides.list()).toEqual([]);
    const err = await thrown(ft.control.overrides.add({ operation: 'ListWorkflows', status: 200, body: { data: 1 } }));
    expect(err.status).toBe(400);
    expect(err.detail).toMatch(/^body of 200 from ListWorkflows does not match its schema: .*; send "offSpec": true to answer it anyway$/);
  });

  it('sets and reads rate limits; [] turns them off', async () => {
    const rule = { vendor: 'datadog' as const, name: 'workflows', limit: 1, period: 60, operations: ['ListWorkflows'] };
    expect(await ft.control.rateLimits.set([rule])).toEqual([rule]);
    expect(await ft.control.rateLimits.get()).toEqual([rule]);
    expect((await datadog(ft.url, 'GET', '/api/v2/workflows', KEYS)).status).toBe(200);
    expect((await datadog(ft.url, 'GET', '/api/v2/workflows', KEYS)).status).toBe(429);
    expect(await ft.control.rateLimits.set([])).toEqual([]);
    expect((await datadog(ft.url, 'GET', '/api/v2/workflows', KEYS)).status).toBe(200);
    const err = await thrown(ft.control.rateLimits.set([{ ...rule }, { ...rule }]));
    expect([err.status, err.detail]).toEqual([400, 'rule names must be unique per vendor']);
  });
});

describe('control client: journal', () => {
  it('queries the journal by operation and status', async () => {
    const wf = await workflow();
    await execute(wf);
    await datadog(ft.url, 'GET', '/api/v2/workflows/aaa11111-aa11-aa11-aaaa-aaaaaa111111', KEYS);
    const runs = await ft.control.journal.query({ operation: 'CreateWorkflowInstance' });
    expect(runs.map((e) => [e.operationId, e.method, e.status, e.params])).toEqual([['CreateWorkflowInstance', 'POST', 200, { workflow_id: wf }]]);
    expect((await ft.control.journal.query({ status: 404 })).map((e) => e.operationId)).toEqual(['GetWorkflow']);
    expect(await ft.control.journal.query()).toHaveLength(3);
  });

  it('verify() resolves when exactly count requests match', async () => {
    const wf = await workflow();
    const run = await execute(wf);
    await datadog(ft.url, 'PUT', `/api/v2/workflows/${wf}/instances/${run}/cancel`, KEYS);
    expect(await ft.control.journal.verify({ operation: 'CancelWorkflowInstance', params: { instance_id: run }, count: 1 })).toEqual({ verified: true, count: 1 });
  });

  it('verify() throws, listing the matching requests, when another number matched', async () => {
    const wf = await workflow();
    const run = await execute(wf);
    await datadog(ft.url, 'PUT', `/api/v2/workflows/${wf}/instances/${run}/cancel`, KEYS);
    const err = (await thrown(ft.control.journal.verify({ operation: 'CancelWorkflowInstance', count: 2 }))) as JournalVerificationError;
    expect(err).toBeInstanceOf(JournalVerificationError);
    expect([err.status, err.expected, err.seen, err.entries.length]).toEqual([409, 2, 1, 1]);
    expect(err.message).toContain('journal verify: expected 2 request(s) matching {"operation":"CancelWorkflowInstance"}, saw 1');
    expect(err.message).toContain(`matching (last 1):\n  #`);
    expect(err.message).toContain(`datadog CancelWorkflowInstance PUT /api/v2/workflows/${wf}/instances/${run}/cancel -> 200 params {"workflow_id":"${wf}","instance_id":"${run}"}`);
    expect(err.message).not.toContain('latest requests');
  });

  it('verify() lists the latest requests when none matched', async () => {
    await workflow();
    const err = await thrown(ft.control.journal.verify({ operation: 'CancelWorkflowInstance', count: 1 }));
    expect(err.message).toContain('saw 0');
    expect(err.message).toContain('latest requests (1):');
    expect(err.message).toContain(`datadog CreateWorkflow POST /api/v2/workflows -> 201`);
    expect(err.message).not.toContain('matching (last');
  });
});

describe('control client: events', () => {
  it('open() listens; next() takes transitions in order, skipping those that do not match', async () => {
    const wf = await workflow(KEYS, 10);
    const events = await ft.control.events.open({ vendor: 'datadog' });
    const run = await execute(wf);
    expect(await events.next()).toMatchObject({ instanceId: run, from: null, to: 'IN_PROGRESS', cause: 'start' });
    await ft.control.clock.advance(11_000);
    expect(await events.next((e) => e.to === 'SUCCEEDED')).toMatchObject({ instanceId: run, from: 'IN_PROGRESS', to: 'SUCCEEDED', at: new Date(Date.parse(T0) + 11_000).toISOString() });
    await events.close();
  });

  it('waitFor() resolves when a run going on in real time reaches the status', async () => {
    const wf = await workflow(KEYS, 1);
    const run = await execute(wf);
    await ft.control.clock.speed(20);
    await ft.control.clock.resume();
    expect(await ft.control.events.waitFor({ instanceId: run, to: ['SUCCEEDED', 'FAILED'], timeoutMs: 5000 })).toMatchObject({ instanceId: run, to: 'SUCCEEDED', cause: 'plan' });
  });

  it('a stream opened before an action sees its transition: stream.waitFor()', async () => {
    const wf = await workflow();
    const run = await execute(wf);
    const events = await ft.control.events.open({ instance: run });
    await datadog(ft.url, 'PUT', `/api/v2/workflows/${wf}/instances/${run}/cancel`, KEYS);
    expect(await events.waitFor({ instanceId: run, to: 'CANCELED', timeoutMs: 2000 })).toMatchObject({ from: 'IN_PROGRESS', to: 'CANCELED', cause: 'cancel' });
    await events.close();
  });

  it('next() with a filter opens its own stream; a timeout names what it saw instead', async () => {
    const wf = await workflow();
    const stream = await ft.control.events.open();
    const run = await execute(wf);
    await expect(stream.next((e) => e.to === 'SUCCEEDED', { timeoutMs: 200 })).rejects.toThrow(
      new RegExp(`^no matching transition within 200 ms; saw 1:\\n  datadog ${run} \\(new\\) -> IN_PROGRESS \\(start\\)`),
    );
    await expect(ft.control.events.next(() => true, { instance: run, timeoutMs: 100 })).rejects.toThrow(/within 100 ms; saw none/);
    await stream.close();
  });

  it('a stream can be read with for await', async () => {
    const wf = await workflow(KEYS, 1);
    const stream = await ft.control.events.open({ vendor: 'datadog' });
    const run = await execute(wf);
    await ft.control.clock.advance(5_000);
    const seen: string[] = [];
    for await (const e of stream) {
      seen.push(`${e.instanceId === run ? 'run' : 'other'}:${e.to}`);
      if (seen.length === 2) break;
    }
    expect(seen).toEqual(['run:IN_PROGRESS', 'run:SUCCEEDED']);
    await stream.close();
  });
});

describe('control client: tenants and SecMaster', () => {
  it('forTenant() moves only that tenant\'s clock and sees only its journal', async () => {
    const suite = ft.control.forTenant(KEYS);
    expect(suite.credentials).toEqual(KEYS);
    // A tenant's own clock starts at the global time but running: freeze it to step it exactly.
    const frozen = await suite.clock.freeze();
    expect(frozen).toMatchObject({ tenant: expect.any(String), own: true, frozen: true });
    expect(await suite.clock.advance(600_000)).toMatchObject({ now: frozen.now + 600_000, own: true });
    expect((await ft.control.clock.get()).now).toBe(Date.parse(T0));
    await workflow(KEYS);
    await workflow(OTHER);
    expect((await suite.journal.query()).map((e) => e.operationId)).toEqual(['CreateWorkflow']);
    expect(await ft.control.journal.query()).toHaveLength(2);
    await expect(suite.journal.verify({ operation: 'CreateWorkflow', count: 1 })).resolves.toEqual({ verified: true, count: 1 });
  });

  it('a tenant\'s scenario applies to its own runs only', async () => {
    const mine = await workflow(KEYS, 1);
    const theirs = await workflow(OTHER, 1);
    await ft.control.forTenant(KEYS).scenarios.add({ vendor: 'datadog', outcome: 'FAILED' });
    const [a, b] = [await execute(mine), await execute(theirs, OTHER)];
    await ft.control.clock.advance(5_000);
    expect([await status(mine, a), await status(theirs, b, OTHER)]).toEqual(['FAILED', 'SUCCEEDED']);
  });

  it('secmaster.trigger() starts a playbook run; a Huawei token scopes a client to the project', async () => {
    const run = await ft.control.secmaster.trigger({ project_id: PROJECT, workspace_id: WORKSPACE, outcome: 'FAILED' });
    expect(run).toMatchObject({ project_id: PROJECT, status: 'RUNNING' });
    const project = ft.control.forTenant({ 'X-Auth-Token': 'any-token', 'X-Project-Id': PROJECT });
    const finished = await project.clock.advance(3_600_000);
    expect(finished).toMatchObject({ tenant: PROJECT, own: true });
    const err = await thrown(ft.control.secmaster.trigger({ project_id: 'short', workspace_id: WORKSPACE }));
    expect(err.status).toBe(400);
  });
});
