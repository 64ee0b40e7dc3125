import { afterEach, describe, expect, it } from 'vitest';
import { validateSchema } from './control-spec.js';
import { serve, type RunningFlowtwin } from '../../src/serve.js';
import { DD_KEYS, T0, workflowBody } from '../support/flowtwin.js';

const EVENT_SCHEMA = '/paths/~1__flowtwin~1events/get/responses/200/content/text~1event-stream/schema/x-event-data';
let ft: RunningFlowtwin | undefined;
afterEach(async () => {
  await ft?.stop();
  ft = undefined;
});

/** Reads transition events from the stream until `enough` says stop (or 5 s pass). */
async function collect(url: string, act: () => Promise<void>, enough: (events: Record<string, unknown>[]) => boolean, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const res = await fetch(url, { signal: controller.signal, headers });
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = res.body!.getReader();
  const events: Record<string, unknown>[] = [];
  let buffer = '';
  await act();
  const deadline = Date.now() + 5000;
  while (!enough(events) && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += new TextDecoder().decode(value);
    const blocks = buffer.split('\n\n');
    buffer = blocks.pop()!;
    for (const block of blocks) {
      const data = block.split('\n').find((l) => l.startsWith('data: '));
      if (data && block.includes('event: transition')) events.push(JSON.parse(data.slice(6)));
    }
  }
  controller.abort();
  return events;
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('control plane: events', () => {
  it('streams a run from its start to CANCELED, and another to SUCCEEDED when the clock is advanced', async () => {
    ft = await serve({ port: 0, now: () => T0 });
    ft.clock.freeze();
    const wf = (await (await post(`${ft.url}/api/v2/workflows`, workflowBody({ sleepSeconds: 10 }), DD_KEYS)).json()) as { data: { id: string } };
    let canceled = '';
    let finished = '';
    const events = await collect(
      `${ft.url}/__flowtwin/events?vendor=datadog`,
      async () => {
        canceled = ((await (await post(`${ft!.url}/api/v2/workflows/${wf.data.id}/instances`, {}, DD_KEYS)).json()) as { data: { id: string } }).data.id;
        finished = ((await (await post(`${ft!.url}/api/v2/workflows/${wf.data.id}/instances`, {}, DD_KEYS)).json()) as { data: { id: string } }).data.id;
        await fetch(`${ft!.url}/api/v2/workflows/${wf.data.id}/instances/${canceled}/cancel`, { method: 'PUT', headers: DD_KEYS });
        await post(`${ft!.url}/__flowtwin/clock/advance`, { ms: 11_000 });
      },
      (e) => e.length >= 4,
    );
    const line = (id: string) => events.filter((e) => e.instanceId === id).map((e) => `${e.from}->${e.to} (${e.cause})`);
    expect(line(canceled)).toEqual(['null->IN_PROGRESS (start)', 'IN_PROGRESS->CANCELED (cancel)']);
    expect(line(finished)).toEqual(['null->IN_PROGRESS (start)', 'IN_PROGRESS->SUCCEEDED (plan)']);
    const done = events.find((e) => e.to === 'SUCCEEDED')!;
    expect(done).toMatchObject({ vendor: 'datadog', parentId: wf.data.id, at: new Date(T0 + 11_000).toISOString() });
    for (const e of events) expect(validateSchema(EVENT_SCHEMA, e)).toEqual([]);
  });

  it('follows one SecMaster instance through TERMINATING to TERMINATED', async () => {
    ft = await serve({ port: 0, now: () => T0 });
    ft.clock.freeze();
    const scope = { project_id: '0123456789abcdef0123456789abcdef', workspace_id: '7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b' };
    const run = (await (await post(`${ft.url}/__flowtwin/secmaster/trigger`, scope)).json()) as { id: string };
    const events = await collect(
      `${ft.url}/__flowtwin/events?instance=${run.id}`,
      async () => {
        await post(`${ft!.url}/v1/${scope.project_id}/workspaces/${scope.workspace_id}/soc/playbooks/instances/${run.id}/operation`, { operation: 'TERMINATE' }, { 'X-Auth-Token': 't' });
        await post(`${ft!.url}/__flowtwin/clock/advance`, { ms: 5_000 });
      },
      (e) => e.length >= 2,
    );
    expect(events.map((e) => `${e.from}->${e.to} (${e.cause})`)).toEqual(['RUNNING->TERMINATING (TERMINATE)', 'TERMINATING->TERMINATED (settle)']);
  });

  it("carries only the caller's tenant's transitions when the stream is opened with its credentials", async () => {
    ft = await serve({ port: 0, now: () => T0 });
    ft.clock.freeze();
    const other = { 'DD-API-KEY': 'other-api-key', 'DD-APPLICATION-KEY': 'other-app-key' };
    const start = async (keys: Record<string, string>) => {
      const wf = (await (await post(`${ft!.url}/api/v2/workflows`, workflowBody({ sleepSeconds: 1 }), keys)).json()) as { data: { id: string } };
      return ((await (await post(`${ft!.url}/api/v2/workflows/${wf.data.id}/instances`, {}, keys)).json()) as { data: { id: string } }).data.id;
    };
    let mine = '';
    const events = await collect(
      `${ft.url}/__flowtwin/events`,
      async () => {
        await start(other);
        mine = await start(DD_KEYS);
        await start(other);
        await post(`${ft!.url}/__flowtwin/clock/advance`, { ms: 5_000 });
      },
      (e) => e.some((x) => x.to === 'SUCCEEDED'),
      DD_KEYS,
    );
    expect(events.map((e) => `${e.instanceId === mine ? 'mine' : 'theirs'} ${e.to}`)).toEqual(['mine IN_PROGRESS', 'mine SUCCEEDED']);
  });
});
