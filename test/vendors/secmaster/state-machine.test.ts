// The SecMaster playbook-instance lifecycle through the HTTP app: every (status, operation) pair of
// the RETRY / TERMINATE table, the timed transitions, RETRY's rerun, and racing operations.
// Instances come from the control plane's trigger (the default playbook: three 1 s actions) and
// move over the frozen virtual clock. Every response is also validated against the spec.
import { describe, expect, it } from 'vitest';
import { secmasterMachine } from '../../../src/vendors/secmaster/state-machine.js';
import { T0, testFlowtwin } from '../../support/flowtwin.js';

type Ft = Awaited<ReturnType<typeof testFlowtwin>>;
type Status = 'RUNNING' | 'FINISHED' | 'FAILED' | 'RETRYING' | 'TERMINATING' | 'TERMINATED';

const PROJECT = '0123456789abcdef0123456789abcdef';
const WS = '7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b';
const BASE = `/v1/${PROJECT}/workspaces/${WS}/soc/playbooks`;
/** With no credentials configured, any well-formed token is accepted (HW-ASSUME-16). */
const AUTH = { 'X-Auth-Token': 'local-development-token' };
const REQUEST_ID = /^[0-9a-f-]{36}-\d+-flowtwin$/;
const INSTANCE_KIND = 'secmaster.instance';

/** SecMaster's timestamp of T0 + ms, as wall time at +0800: `2026-01-15T18:00:00.000Z+0800`. */
const ts = (ms: number): string => `${new Date(T0 + ms + 8 * 3_600_000).toISOString()}+0800`;

async function trigger(ft: Ft, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await ft.http.post('/__flowtwin/secmaster/trigger').send({ project_id: PROJECT, workspace_id: WS, ...extra });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function show(ft: Ft, id: string) {
  const res = await ft.http.get(`${BASE}/instances/${id}`).set(AUTH);
  expect(res.status).toBe(200);
  return res.body as { status: Status; start_time: string; end_time: string } & Record<string, unknown>;
}

function operate(ft: Ft, id: string, body?: unknown) {
  const req = ft.http.post(`${BASE}/instances/${id}/operation`).set(AUTH);
  return body === undefined ? req : req.send(body as object);
}

async function auditLogsOf(ft: Ft, id: string) {
  const res = await ft.http.post(`${BASE}/instances/auditlogs?limit=100&offset=0&sort_dir=asc`).set(AUTH).send({ parent_instance_id: id });
  expect(res.status).toBe(200);
  return res.body.audit_logs as { action_name: string; status: string; start_time: string; end_time: string; log_level: string; error_msg: string; instance_id: string }[];
}

async function topologyOf(ft: Ft, id: string) {
  const res = await ft.http.get(`${BASE}/instances/${id}/topology`).set(AUTH);
  expect(res.status).toBe(200);
  return res.body as { count: number; action_instances: { action: { name: string }; instance_log: { status: string; start_time: string; instance_id: string } }[] };
}

/** Brings a new instance into `status` (advancing the clock as needed) and returns its id. */
async function instanceIn(ft: Ft, status: Status): Promise<string> {
  switch (status) {
    case 'RUNNING':
      return trigger(ft);
    case 'FINISHED': {
      const id = await trigger(ft);
      ft.clock.advance(3_000);
      return id;
    }
    case 'FAILED': {
      const id = await trigger(ft, { outcome: 'FAILED' });
      ft.clock.advance(3_000);
      return id;
    }
    case 'RETRYING': {
      const id = await instanceIn(ft, 'FAILED');
      expect((await operate(ft, id, { operation: 'RETRY' })).status).toBe(200);
      return id;
    }
    case 'TERMINATING': {
      const id = await trigger(ft);
      expect((await operate(ft, id, { operation: 'TERMINATE' })).status).toBe(200);
      return id;
    }
    case 'TERMINATED': {
      const id = await instanceIn(ft, 'TERMINATING');
      ft.clock.advance(2_000);
      return id;
    }
  }
}

const STATUSES: Status[] = ['RUNNING', 'FINISHED', 'FAILED', 'RETRYING', 'TERMINATING', 'TERMINATED'];

interface Attempt {
  label: string;
  /** undefined: no body at all. */
  body?: unknown;
}

const ATTEMPTS: Attempt[] = [
  { label: 'RETRY', body: { operation: 'RETRY' } },
  { label: 'TERMINATE', body: { operation: 'TERMINATE' } },
  { label: '"PAUSE"', body: { operation: 'PAUSE' } },
  { label: 'a body without operation', body: {} },
  { label: 'no body', body: undefined },
];

/** The legal pairs and the status each leads to at once (HW-ASSUME-8). */
const LEGAL: Partial<Record<Status, Partial<Record<string, Status>>>> = {
  RUNNING: { TERMINATE: 'TERMINATING' },
  FAILED: { RETRY: 'RETRYING' },
  RETRYING: { TERMINATE: 'TERMINATING' },
};

function refusal(attempt: Attempt, id: string, status: Status): string {
  const operation = (attempt.body as { operation?: string } | undefined)?.operation;
  if (attempt.body === undefined) return 'a request body is required';
  if (operation === undefined) return 'operation is required: RETRY or TERMINATE';
  if (operation === 'PAUSE') return 'field /operation must be one of "RETRY", "TERMINATE"';
  return `operation ${operation} is not allowed for playbook instance ${id} in status ${status}`;
}

const nextStatus = (status: Status, attempt: Attempt): Status | undefined => {
  const operation = (attempt.body as { operation?: string } | undefined)?.operation;
  return operation === undefined ? undefined : LEGAL[status]?.[operation];
};

const CASES = STATUSES.flatMap((status) =>
  ATTEMPTS.map((attempt) => {
    const next = nextStatus(status, attempt);
    const title = next ? `${status} + ${attempt.label}: 200, now ${next}` : `${status} + ${attempt.label}: 400 SecMaster.20030001, still ${status}`;
    return { title, status, attempt, next };
  }),
);

describe('SecMaster ChangePlaybookInstance: the status x operation table', () => {
  it('covers every transition of the vendor table with a legal row, and nothing else', () => {
    const inMachine = Object.entries(secmasterMachine.operations).flatMap(([op, rule]) => rule.from.map((from) => `${from} ${op} -> ${rule.to}`));
    const inTable = Object.entries(LEGAL).flatMap(([from, ops]) => Object.entries(ops!).map(([op, to]) => `${from} ${op} -> ${to}`));
    expect(inTable.sort()).toEqual(inMachine.sort());
    expect(secmasterMachine.states).toEqual(STATUSES);
  });

  it.each(CASES.map((c) => [c.title, c] as const))('%s', async (_title, { status, attempt, next }) => {
    const ft = await testFlowtwin();
    const id = await instanceIn(ft, status);
    const before = await show(ft, id);
    expect(before.status).toBe(status);
    const now = ft.clock.now() - T0;

    const res = await operate(ft, id, attempt.body);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['x-request-id']).toMatch(REQUEST_ID);
    if (next) {
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ...before, status: next, end_time: ts(now) });
      expect(await show(ft, id)).toEqual(res.body);
    } else {
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ code: 'SecMaster.20030001', message: refusal(attempt, id, status) });
      expect(await show(ft, id)).toEqual(before);
    }
  });
});

describe('SecMaster playbook instance: timed transitions', () => {
  it('runs RUNNING -> FINISHED when the last action ends, with end_time then', async () => {
    const ft = await testFlowtwin();
    const id = await trigger(ft);
    const started = await show(ft, id);
    expect(started).toMatchObject({ status: 'RUNNING', start_time: ts(0), end_time: ts(0) });
    ft.clock.advance(2_999);
    expect((await show(ft, id)).status).toBe('RUNNING');
    ft.clock.advance(1);
    expect(await show(ft, id)).toEqual({ ...started, status: 'FINISHED', end_time: ts(3_000) });
  });

  it('runs RUNNING -> FAILED when the failing action ends, by default the last one', async () => {
    const ft = await testFlowtwin();
    const id = await trigger(ft, { outcome: 'FAILED' });
    ft.clock.advance(3_000);
    expect(await show(ft, id)).toMatchObject({ status: 'FAILED', end_time: ts(3_000) });
    const logs = await auditLogsOf(ft, id);
    expect(logs.map((l) => `${l.action_name} ${l.status}`)).toEqual(['Enrich alert FINISHED', 'Block source IP FINISHED', 'Notify on-call FAILED']);
  });

  it('settles TERMINATING -> TERMINATED 2 s after TERMINATE, not before, and stays there', async () => {
    const ft = await testFlowtwin();
    const id = await trigger(ft);
    ft.clock.advance(1_500);
    const res = await operate(ft, id, { operation: 'TERMINATE' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'TERMINATING', end_time: ts(1_500) });
    ft.clock.advance(1_999);
    expect((await show(ft, id)).status).toBe('TERMINATING');
    ft.clock.advance(1);
    expect(await show(ft, id)).toMatchObject({ status: 'TERMINATED', end_time: ts(3_500) });
    ft.clock.advance(3_600_000);
    expect(await show(ft, id)).toMatchObject({ status: 'TERMINATED', end_time: ts(3_500) });
    // The action running at TERMINATE is stopped; the one after it never started.
    const logs = await auditLogsOf(ft, id);
    expect(logs.map((l) => `${l.action_name} ${l.status} ${l.end_time}`)).toEqual([`Enrich alert FINISHED ${ts(1_000)}`, `Block source IP TERMINATED ${ts(1_500)}`]);
  });

  it('settles RETRYING -> RUNNING 1 s after RETRY', async () => {
    const ft = await testFlowtwin();
    const id = await instanceIn(ft, 'RETRYING');
    ft.clock.advance(999);
    expect((await show(ft, id)).status).toBe('RETRYING');
    ft.clock.advance(1);
    expect(await show(ft, id)).toMatchObject({ status: 'RUNNING', end_time: ts(4_000) });
  });
});

describe('SecMaster RETRY', () => {
  it('reruns from the failed action: earlier actions keep their one FINISHED log, the failed attempt keeps its FAILED log, the rerun gets its own, and the instance ends FINISHED', async () => {
    const ft = await testFlowtwin();
    const id = await trigger(ft, { outcome: 'FAILED', fail_action: 'Block source IP' });
    ft.clock.advance(2_000);
    expect(await show(ft, id)).toMatchObject({ status: 'FAILED', end_time: ts(2_000) });
    const failed = await auditLogsOf(ft, id);
    expect(failed.map((l) => [l.action_name, l.status, l.start_time, l.end_time, l.log_level, l.error_msg])).toEqual([
      ['Enrich alert', 'FINISHED', ts(0), ts(1_000), 'INFO', ''],
      ['Block source IP', 'FAILED', ts(1_000), ts(2_000), 'ERROR', 'action Block source IP failed'],
    ]);

    const retry = await operate(ft, id, { operation: 'RETRY' });
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ status: 'RETRYING', end_time: ts(2_000) });

    ft.clock.advance(1_000); // RETRYING -> RUNNING at +3 s; the failed action starts again
    expect((await show(ft, id)).status).toBe('RUNNING');
    const rerunning = await topologyOf(ft, id);
    expect(rerunning.action_instances.map((n) => [n.action.name, n.instance_log.status, n.instance_log.start_time])).toEqual([
      ['Enrich alert', 'FINISHED', ts(0)],
      ['Block source IP', 'RUNNING', ts(3_000)],
    ]);

    ft.clock.advance(2_000);
    expect(await show(ft, id)).toMatchObject({ status: 'FINISHED', start_time: ts(0), end_time: ts(5_000) });
    const logs = await auditLogsOf(ft, id);
    expect(logs.map((l) => [l.action_name, l.status, l.start_time, l.end_time, l.error_msg])).toEqual([
      ['Enrich alert', 'FINISHED', ts(0), ts(1_000), ''],
      ['Block source IP', 'FAILED', ts(1_000), ts(2_000), 'action Block source IP failed'],
      ['Block source IP', 'FINISHED', ts(3_000), ts(4_000), ''],
      ['Notify on-call', 'FINISHED', ts(4_000), ts(5_000), ''],
    ]);
    // Each attempt is its own action instance: the first keeps the id it had before the RETRY.
    const firstAttempt = failed.find((l) => l.action_name === 'Block source IP')!.instance_id;
    const attempts = logs.filter((l) => l.action_name === 'Block source IP').map((l) => l.instance_id);
    expect(attempts[0]).toBe(firstAttempt);
    expect(new Set(attempts).size).toBe(2);
    // The topology is a graph of actions: each with its latest attempt.
    const topology = await topologyOf(ft, id);
    expect(topology.count).toBe(3);
    expect(topology.action_instances.every((n) => n.instance_log.status === 'FINISHED')).toBe(true);
    expect(topology.action_instances.map((n) => n.instance_log.instance_id)).toContain(attempts[1]);
    // Once FINISHED, the instance refuses both operations.
    expect((await operate(ft, id, { operation: 'RETRY' })).status).toBe(400);
  });

  it('can be terminated while RETRYING: TERMINATING, then TERMINATED, and the rerun never starts', async () => {
    const ft = await testFlowtwin();
    const id = await instanceIn(ft, 'RETRYING');
    ft.clock.advance(500);
    const res = await operate(ft, id, { operation: 'TERMINATE' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'TERMINATING', end_time: ts(3_500) });
    ft.clock.advance(600); // past the moment RETRYING would have become RUNNING
    expect((await show(ft, id)).status).toBe('TERMINATING');
    ft.clock.advance(1_400);
    expect(await show(ft, id)).toMatchObject({ status: 'TERMINATED', end_time: ts(5_500) });
    const logs = await auditLogsOf(ft, id);
    expect(logs.map((l) => `${l.action_name} ${l.status}`)).toEqual(['Enrich alert FINISHED', 'Block source IP FINISHED', 'Notify on-call FAILED']);
  });
});

describe('SecMaster operations racing on one instance', () => {
  it('gives exactly one transition for 30 parallel TERMINATEs', async () => {
    const ft = await testFlowtwin();
    const id = await trigger(ft);
    const results = await Promise.all(Array.from({ length: 30 }, () => operate(ft, id, { operation: 'TERMINATE' })));
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    expect(ok[0]!.body.status).toBe('TERMINATING');
    const refused = results.filter((r) => r.status === 400);
    expect(refused).toHaveLength(29);
    for (const r of refused) {
      expect(r.body).toEqual({ code: 'SecMaster.20030001', message: `operation TERMINATE is not allowed for playbook instance ${id} in status TERMINATING` });
    }
    const record = await ft.store.get<{ operations: { name: string; at: number }[] }>(INSTANCE_KIND, PROJECT, id);
    expect(record?.data.operations).toEqual([{ name: 'TERMINATE', at: T0 }]);
    ft.clock.advance(2_000);
    expect((await show(ft, id)).status).toBe('TERMINATED');
  });

  it('gives exactly one transition for 30 parallel RETRYs of a failed instance', async () => {
    const ft = await testFlowtwin();
    const id = await instanceIn(ft, 'FAILED');
    const results = await Promise.all(Array.from({ length: 30 }, () => operate(ft, id, { operation: 'RETRY' })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 400)).toHaveLength(29);
    const record = await ft.store.get<{ operations: { name: string }[] }>(INSTANCE_KIND, PROJECT, id);
    expect(record?.data.operations.map((o) => o.name)).toEqual(['RETRY']);
  });
});

describe('SecMaster ChangePlaybookInstance: bad bodies', () => {
  const BAD: [string, (req: ReturnType<typeof operate>) => ReturnType<typeof operate>, string][] = [
    ['a body that is not JSON', (r) => r.set('content-type', 'application/json').send('{"operation":'), 'the request body is not valid JSON'],
    ['a text/plain body', (r) => r.set('content-type', 'text/plain').send('TERMINATE'), 'content type "text/plain" is not supported; send application/json'],
    ['operation in lower case', (r) => r.send({ operation: 'terminate' }), 'field /operation must be one of "RETRY", "TERMINATE"'],
    ['operation as a number', (r) => r.send({ operation: 1 }), 'field /operation must be string'],
    ['an array body', (r) => r.send([{ operation: 'TERMINATE' }]), 'the body must be object'],
  ];

  it.each(BAD)('refuses %s with 400 SecMaster.20030001 and leaves the instance RUNNING', async (_label, build, message) => {
    const ft = await testFlowtwin();
    const id = await trigger(ft);
    const res = await build(ft.http.post(`${BASE}/instances/${id}/operation`).set(AUTH));
    expect(res.status).toBe(400);
    expect(res.headers['x-request-id']).toMatch(REQUEST_ID);
    expect(res.body.code).toBe('SecMaster.20030001');
    expect(res.body.message).toContain(message);
    expect((await show(ft, id)).status).toBe('RUNNING');
  });

  it('accepts the older docs content type application/json;charset=UTF-8', async () => {
    const ft = await testFlowtwin();
    const id = await trigger(ft);
    const res = await ft.http.post(`${BASE}/instances/${id}/operation`).set(AUTH).set('content-type', 'application/json;charset=UTF-8').send('{"operation":"TERMINATE"}');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('TERMINATING');
  });

  it('refuses a body over the configured limit with 400, not 413', async () => {
    const ft = await testFlowtwin({ bodyLimitBytes: 64 });
    const id = await trigger(ft);
    const res = await operate(ft, id, { operation: 'TERMINATE', padding: 'x'.repeat(100) });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 'SecMaster.20030001', message: 'request body exceeds the limit of 64 bytes' });
    expect((await show(ft, id)).status).toBe('RUNNING');
  });

  it('refuses an operation on an unknown instance with 400 "does not exist", whatever the body', async () => {
    const ft = await testFlowtwin();
    const unknown = '11111111-2222-4333-8444-555555555555';
    const res = await operate(ft, unknown, { operation: 'TERMINATE' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 'SecMaster.20030001', message: `playbook instance ${unknown} does not exist` });
  });
});
