// The dashboard's control-plane forms in a real browser: each one checked by what the page shows
// and by the server's state after, including values the page must refuse without sending anything.
import { describe, expect, it } from 'vitest';
import { browserSkipReason, KEYS, useDashboard, WAIT } from '../support/browser.js';

const skip = browserSkipReason();
describe.skipIf(skip !== undefined)(`dashboard controls in a browser${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const d = useDashboard();
  const { api, open, runWorkflow } = d;
  const section = (summary: string) => d.page.locator('#controls details', { has: d.page.locator('summary', { hasText: summary }) });
  const openSection = async (summary: string) => {
    await section(summary).locator('summary').click();
    await expect.poll(() => section(summary).getAttribute('open'), WAIT).toBe('');
  };
  /** Every control-plane change the page sends, to show that a refused value sent nothing. */
  const changesSent = () => {
    const sent: string[] = [];
    d.page.on('request', (r) => r.method() !== 'GET' && r.url().includes('/__flowtwin/') && sent.push(`${r.method()} ${new URL(r.url()).pathname}`));
    return sent;
  };

  it('refuses a negative, empty or too large advance, a zero speed and a negative latency, naming the field and its unit, and sends nothing', async () => {
    await open();
    const sent = changesSent();
    const before = await d.ft.control.clock.get();
    const advance = d.page.locator('#advance-seconds');
    const ADVANCE_RULE = 'advance by: 0 or more seconds, at most 3155760000';
    for (const bad of ['-5', '', '3155760001']) {
      await advance.fill(bad);
      await d.page.getByRole('button', { name: 'Advance clock' }).click();
      await expect.poll(d.message, WAIT).toBe(ADVANCE_RULE);
      await expect(advance.getAttribute('aria-invalid')).resolves.toBe('true');
      await d.page.locator('#message').evaluate((p: any) => (p.textContent = ''));
    }

    await d.page.locator('#clock-speed').fill('0');
    await d.page.getByRole('button', { name: 'Set speed' }).click();
    await expect.poll(d.message, WAIT).toBe('speed: more than 0 × real time, at most 1000000');

    await d.page.locator('#fault-form input[name=latencyMs]').fill('-1');
    await d.page.getByRole('button', { name: 'Add fault' }).click();
    await expect.poll(d.message, WAIT).toBe('latency: 0 or more milliseconds, at most 120000, a whole number');
    await d.page.locator('#fault-form input[name=latencyMs]').fill('');
    await d.page.locator('#fault-form input[name=status]').fill('200');
    await d.page.getByRole('button', { name: 'Add fault' }).click();
    await expect.poll(d.message, WAIT).toBe('status: 400 or more (HTTP status), at most 599, a whole number');

    expect(await d.ft.control.clock.get()).toMatchObject({ now: before.now, frozen: true, speed: before.speed });
    expect(await d.ft.control.faults.list()).toEqual([]);
    // A good value goes through, and it is the only change the page sent.
    await advance.fill('1.5');
    await d.page.getByRole('button', { name: 'Advance clock' }).click();
    await expect.poll(async () => (await d.ft.control.clock.get()).now, WAIT).toBe(before.now + 1500);
    await expect.poll(d.message, WAIT).toBe('global clock advanced by 1.5 s');
    expect(await advance.getAttribute('aria-invalid')).toBeNull();
    expect(sent).toEqual(['POST /__flowtwin/clock/advance']);
  });

  it('sets the clock speed, and shows it', async () => {
    await open();
    await d.page.locator('#clock-speed').fill('60');
    await d.page.getByRole('button', { name: 'Set speed' }).click();
    await expect.poll(async () => (await d.ft.control.clock.get()).speed, WAIT).toBe(60);
    await expect.poll(() => d.page.locator('#clock-state').textContent(), WAIT).toBe('frozen ×60');
  });

  it("advances and freezes the clock of the DD keys' tenant, leaving the global clock where it was", async () => {
    const tenantClock = d.ft.control.forTenant(KEYS).clock;
    const global = await d.ft.control.clock.get();
    const tenantBefore = await tenantClock.get();
    await open();
    await expect.poll(() => d.page.locator('#clock-which').textContent(), WAIT).toBe('global');

    await d.page.locator('#clock-scope').selectOption('datadog');
    await expect.poll(() => d.page.locator('#clock-which').textContent(), WAIT).toMatch(/^tenant .+ \(follows global\)$/);
    await expect(d.page.locator('#clock-which').getAttribute('title')).resolves.toBe(tenantBefore.tenant);
    await d.page.locator('#advance-seconds').fill('3600');
    await d.page.getByRole('button', { name: 'Advance clock' }).click();
    await expect.poll(async () => (await tenantClock.get()).own, WAIT).toBe(true);
    expect((await tenantClock.get()).now).toBeGreaterThanOrEqual(tenantBefore.now + 3_600_000);

    // Its own clock runs (a new one does); Freeze here stops that one, not the global one.
    await d.page.getByRole('button', { name: 'Freeze' }).click();
    await expect.poll(async () => (await tenantClock.get()).frozen, WAIT).toBe(true);
    const frozen = await tenantClock.get();
    await expect.poll(() => d.page.locator('#clock-now').textContent(), WAIT).toBe(`${frozen.iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '')} UTC`);
    await expect(d.page.locator('#clock-which').textContent()).resolves.not.toContain('follows global');
    expect(await d.ft.control.clock.get()).toMatchObject({ now: global.now, frozen: true });

    await d.page.locator('#clock-scope').selectOption('global');
    await expect.poll(() => d.page.locator('#clock-now').textContent(), WAIT).toBe(`${global.iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '')} UTC`);
  });

  it('adds a scenario from the form, lists it with its hits, and removes it', async () => {
    await open();
    await openSection('Scenarios');
    await expect.poll(() => section('Scenarios').locator('#scenario-list').textContent(), WAIT).toContain('No scenarios');
    await d.page.locator('#scenario-form select[name=vendor]').selectOption('datadog');
    await d.page.locator('#scenario-form select[name=outcome]').selectOption('FAILED');
    await d.page.locator('#scenario-form input[name=step]').fill('Notify');
    await d.page.locator('#scenario-form input[name=times]').fill('0');
    await d.page.getByRole('button', { name: 'Add scenario' }).click();
    await expect.poll(d.message, WAIT).toBe('times: 1 or more runs, a whole number');
    await d.page.locator('#scenario-form input[name=times]').fill('2');
    await d.page.getByRole('button', { name: 'Add scenario' }).click();
    await expect.poll(async () => (await d.ft.control.scenarios.list()).map((s) => [s.vendor, s.outcome, s.step, s.times, s.hits]), WAIT).toEqual([['datadog', 'fail', 'Notify', 2, 0]]);
    const item = d.page.locator('#scenario-list li');
    await expect.poll(() => item.textContent(), WAIT).toBe('datadog · every run: fail at Notify (hits 0 of 2)✕');

    // The next run takes it: the list shows the hit without a reload.
    const { instance } = await runWorkflow(60);
    await expect.poll(() => item.textContent(), WAIT).toContain('(hits 1 of 2)');
    await d.ft.control.clock.advance(120_000);
    await expect.poll(() => d.rowStatus(instance), WAIT).toBe('FAILED');

    await item.getByRole('button', { name: 'Remove' }).click();
    await expect.poll(async () => (await d.ft.control.scenarios.list()).length, WAIT).toBe(0);
    await expect.poll(() => d.page.locator('#scenario-list').textContent(), WAIT).toContain('No scenarios');
    await expect(section('Scenarios').locator('summary .count').textContent()).resolves.toBe('(0)');
  });

  it("adds a response override that answers a vendor GET, shows the server's refusal as it is, lists overrides newest first and removes one", async () => {
    const { workflow, instance } = await runWorkflow();
    await open();
    await openSection('Response overrides');
    const form = (name: string) => d.page.locator(`#override-form [name=${name}]`);
    await form('operation').fill('GetWorkflowInstance');

    // Not JSON: the page says so and sends nothing.
    await form('status').fill('200');
    await form('body').fill('{"data": ');
    await d.page.getByRole('button', { name: 'Add override' }).click();
    await expect.poll(d.message, WAIT).toMatch(/^body: not JSON \(/);

    // A status the operation's spec does not declare: the server's own words.
    const refused = { operation: 'GetWorkflowInstance', status: 299, body: { errors: ['nope'] } };
    const direct = await fetch(`${d.ft.url}/__flowtwin/overrides`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(refused) });
    expect(direct.status).toBe(400);
    const detail = ((await direct.json()) as { detail: string }).detail;
    await form('status').fill('299');
    await form('body').fill('{"errors": ["nope"]}');
    await d.page.getByRole('button', { name: 'Add override' }).click();
    await expect.poll(d.message, WAIT).toBe(`POST /__flowtwin/overrides: 400 ${detail}`);
    expect(await d.ft.control.overrides.list()).toEqual([]);

    await form('status').fill('503');
    await form('body').fill('{"errors": ["answered by the dashboard\'s override"]}');
    await form('params').fill(JSON.stringify({ instance_id: instance }));
    await form('times').fill('3');
    await form('offSpec').check();
    await d.page.getByRole('button', { name: 'Add override' }).click();
    await expect.poll(async () => (await d.ft.control.overrides.list()).map((o) => [o.operation, o.status, o.match, o.times, o.offSpec]), WAIT).toEqual([['GetWorkflowInstance', 503, { params: { instance_id: instance } }, 3, true]]);

    const answered = await fetch(`${d.ft.url}/api/v2/workflows/${workflow}/instances/${instance}`, { headers: KEYS });
    expect(answered.status).toBe(503);
    expect(await answered.json()).toEqual({ errors: ["answered by the dashboard's override"] });
    const items = d.page.locator('#override-list li');
    await expect.poll(() => items.first().textContent(), WAIT).toBe(`datadog GetWorkflowInstance instance_id=${instance} → 503 off spec (hits 1 of 3)✕`);

    // The newest is tried first, and listed first.
    await api('POST', '/__flowtwin/overrides', { operation: 'ListWorkflowInstances', status: 200, body: { data: [] }, offSpec: true }, {});
    await expect.poll(() => items.allTextContents(), WAIT).toEqual([
      'datadog ListWorkflowInstances → 200 off spec (hits 0)✕',
      `datadog GetWorkflowInstance instance_id=${instance} → 503 off spec (hits 1 of 3)✕`,
    ]);
    await items.nth(1).getByRole('button', { name: 'Remove' }).click();
    await expect.poll(async () => (await d.ft.control.overrides.list()).map((o) => o.operation), WAIT).toEqual(['ListWorkflowInstances']);
    await expect.poll(() => items.count(), WAIT).toBe(1);
    const normal = await fetch(`${d.ft.url}/api/v2/workflows/${workflow}/instances/${instance}`, { headers: KEYS });
    expect(normal.status).toBe(200);
  });

  it('sets a rate-limit rule from the form, which then limits vendor calls, and turns rate limits off', async () => {
    const { workflow, instance } = await runWorkflow();
    await open();
    await openSection('Rate limits');
    const form = (name: string) => d.page.locator(`#rate-limit-form [name=${name}]`);
    await form('vendor').selectOption('datadog');
    await form('name').fill('dashboard_reads');
    await form('limit').fill('1');
    await form('period').fill('0');
    await d.page.getByRole('button', { name: 'Set this rule' }).click();
    await expect.poll(d.message, WAIT).toBe('period: 1 or more seconds, at most 86400, a whole number');
    expect(await d.ft.control.rateLimits.get()).toEqual([]);

    await form('period').fill('60');
    await form('operations').fill(' GetWorkflowInstance, ListWorkflowInstances ');
    await d.page.getByRole('button', { name: 'Set this rule' }).click();
    const rule = { vendor: 'datadog', name: 'dashboard_reads', limit: 1, period: 60, operations: ['GetWorkflowInstance', 'ListWorkflowInstances'] };
    await expect.poll(() => d.ft.control.rateLimits.get(), WAIT).toEqual([rule]);
    await expect.poll(() => d.page.locator('#rate-limit-list li').textContent(), WAIT).toBe('datadog dashboard_reads: 1 requests per 60 s per tenant (GetWorkflowInstance, ListWorkflowInstances)');
    const get = () => fetch(`${d.ft.url}/api/v2/workflows/${workflow}/instances/${instance}`, { headers: KEYS });
    expect((await get()).status).toBe(200);
    expect((await get()).status).toBe(429);

    await d.page.getByRole('button', { name: 'Turn rate limits off' }).click();
    await expect.poll(() => d.ft.control.rateLimits.get(), WAIT).toEqual([]);
    await expect.poll(() => d.page.locator('#rate-limit-list').textContent(), WAIT).toBe('No rate limits.');
    await expect(section('Rate limits').locator('summary .count').textContent()).resolves.toBe('(off)');
    expect((await get()).status).toBe(200);
  });
});
