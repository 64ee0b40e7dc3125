// The dashboard at /__flowtwin/ui in a real browser against a running flowtwin: what someone
// debugging a test sees and clicks.
import { describe, expect, it } from 'vitest';
import { browserSkipReason, useDashboard, WAIT } from '../support/browser.js';

const PROJECT = '0123456789abcdef0123456789abcdef';
const WS = '7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b';

const skip = browserSkipReason();
describe.skipIf(skip !== undefined)(`dashboard in a browser${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const d = useDashboard();
  const { api, runWorkflow, open, row, rowStatus, detailStatus } = d;

  it('shows a created instance, and shows it canceled once it is canceled through the API', async () => {
    const { workflow, instance } = await runWorkflow();
    await open();
    await expect.poll(() => rowStatus(instance), WAIT).toBe('IN_PROGRESS');
    await expect(row(instance).textContent()).resolves.toContain('Restart service');

    await api('PUT', `/api/v2/workflows/${workflow}/instances/${instance}/cancel`);
    await expect.poll(() => rowStatus(instance), WAIT).toBe('CANCELED');
    await expect(row(instance).locator('.badge').textContent()).resolves.toBe('CANCELED');
  });

  it('completes a running instance when "Advance clock" is clicked', async () => {
    const { workflow, instance } = await runWorkflow(60);
    await open();
    await row(instance).click();
    await expect.poll(detailStatus, WAIT).toBe('IN_PROGRESS');
    await expect(d.page.locator('#detail-body [data-step="Sleep"]').getAttribute('data-phase')).resolves.toBe('running');

    const before = (await d.ft.control.clock.get()).now;
    await d.page.locator('#advance-seconds').fill('120');
    await d.page.getByRole('button', { name: 'Advance clock' }).click();
    await expect.poll(() => rowStatus(instance), WAIT).toBe('SUCCEEDED');
    await expect.poll(detailStatus, WAIT).toBe('SUCCEEDED');
    await expect(d.page.locator('#detail-body [data-step="Notify"]').getAttribute('data-phase')).resolves.toBe('succeeded');
    const seen = await api('GET', `/api/v2/workflows/${workflow}/instances/${instance}`);
    expect(seen.data.attributes.instanceStatus.detailsKind).toBe('SUCCEEDED');
    expect((await d.ft.control.clock.get()).now).toBe(before + 120_000);
  });

  it('cancels a Datadog run with its Cancel button, through the vendor API a test would call', async () => {
    const { instance } = await runWorkflow();
    await open();
    await row(instance).click();
    await d.page.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(detailStatus, WAIT).toBe('CANCELED');
    await expect.poll(() => rowStatus(instance), WAIT).toBe('CANCELED');
    const cancels = await d.ft.control.journal.query({ operation: 'CancelWorkflowInstance' });
    expect(cancels.map((e) => [e.status, e.params.instance_id])).toEqual([[200, instance]]);
  });

  it('triggers a failing SecMaster playbook from the form, then retries and terminates it with its buttons', async () => {
    await open();
    await d.page.locator('#trigger-form select[name=outcome]').selectOption('FAILED');
    await d.page.locator('#trigger-form input[name=fail_action]').fill('Block source IP');
    await d.page.getByRole('button', { name: 'Trigger' }).click();
    await expect.poll(detailStatus, WAIT).toBe('RUNNING');
    const id = (await d.page.locator('#detail-body .detail-head').getAttribute('data-instance-id'))!;

    await d.page.locator('#advance-seconds').fill('5');
    await d.page.getByRole('button', { name: 'Advance clock' }).click();
    await expect.poll(detailStatus, WAIT).toBe('FAILED');
    await d.page.getByRole('button', { name: 'Retry' }).click();
    await expect.poll(detailStatus, WAIT).toBe('RETRYING');
    await d.page.getByRole('button', { name: 'Terminate' }).click();
    await expect.poll(detailStatus, WAIT).toBe('TERMINATING');

    const shown = await fetch(`${d.ft.url}/v1/${PROJECT}/workspaces/${WS}/soc/playbooks/instances/${id}`, { headers: { 'X-Auth-Token': 'any' } });
    expect(((await shown.json()) as { status: string }).status).toBe('TERMINATING');
    const operations = await d.ft.control.journal.query({ operation: 'ChangePlaybookInstance' });
    expect(operations.map((e) => (e.requestBody as { operation: string }).operation)).toEqual(['RETRY', 'TERMINATE']);
  });

  it('shows the journal, filtered, with request and response bodies and the secrets masked', async () => {
    await api('POST', '/v3/auth/tokens', { auth: { identity: { methods: ['password'], password: { user: { name: 'alice', password: 's3cret-Pa55', domain: { name: 'alice' } } } }, scope: { project: { id: PROJECT } } } }, {});
    await runWorkflow();
    await open();
    await d.page.locator('#journal-filters input[name=operation]').fill('KeystoneCreateUserTokenByPassword');
    await expect.poll(() => d.page.locator('#journal-rows tr.journal-entry').count(), WAIT).toBe(1);
    await d.page.locator('#journal-rows tr.journal-entry').click();
    const bodies = d.page.locator('#journal-rows tr.journal-bodies');
    await bodies.waitFor();
    const text = (await bodies.textContent())!;
    expect(text).toContain('"password": "***"');
    expect(text).not.toContain('s3cret-Pa55');
  });

  it('adds a fault from the form, clears it, and resets everything with two clicks', async () => {
    await runWorkflow();
    await open();
    await d.page.locator('#fault-form select[name=vendor]').selectOption('datadog');
    await d.page.locator('#fault-form input[name=status]').fill('429');
    await d.page.getByRole('button', { name: 'Add fault' }).click();
    await expect.poll(async () => (await d.ft.control.faults.list()).map((f) => [f.vendor, f.status]), WAIT).toEqual([['datadog', 429]]);
    await expect(d.page.locator('#fault-list li').textContent()).resolves.toContain('status 429');
    await d.page.getByRole('button', { name: 'Clear all faults' }).click();
    await expect.poll(async () => (await d.ft.control.faults.list()).length, WAIT).toBe(0);

    await d.page.locator('#reset-seed').uncheck();
    await d.page.getByRole('button', { name: 'Reset' }).click();
    await d.page.getByRole('button', { name: 'Click again to reset' }).click();
    await expect.poll(() => d.page.locator('#instances tr[data-instance-id]').count(), WAIT).toBe(0);
    expect((await api('GET', '/__flowtwin/instances', undefined, {})).total).toBe(0);
  });
});
