// The dashboard at /__flowtwin/ui in a real browser against a running flowtwin: what someone
// debugging a test sees and clicks.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFlowtwin, type StartedFlowtwin } from '../../src/testing/index.js';
import { browserSkipReason, launchBrowser } from '../support/browser.js';
import { workflowBody } from '../support/flowtwin.js';

// The page's default credentials are the fixtures' keys, so runs made with them can be operated from it.
const KEYS = { 'DD-API-KEY': 'flowtwin-api-key', 'DD-APPLICATION-KEY': 'flowtwin-app-key' };
const PROJECT = '0123456789abcdef0123456789abcdef';
const WS = '7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b';
const WAIT = { timeout: 10_000, interval: 50 };

const skip = browserSkipReason();
describe.skipIf(skip !== undefined)(`dashboard in a browser${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let ft: StartedFlowtwin;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ft = await startFlowtwin({ frozenAt: '2026-01-15T10:00:00Z', seed: false });
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await ft?.close();
  });
  beforeEach(async () => {
    await ft.control.reset({ seed: false });
    await ft.control.clock.freeze();
    page = await browser.newPage();
  });
  afterEach(async () => page?.close());

  const api = async (method: string, path: string, body?: unknown, headers: Record<string, string> = KEYS) => {
    const res = await fetch(`${ft.url}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    expect(res.ok, `${method} ${path}: ${res.status}`).toBe(true);
    return (await res.json()) as Record<string, any>;
  };
  async function runWorkflow(sleepSeconds = 60): Promise<{ workflow: string; instance: string }> {
    const workflow = (await api('POST', '/api/v2/workflows', workflowBody({ sleepSeconds }))).data.id as string;
    const instance = (await api('POST', `/api/v2/workflows/${workflow}/instances`, {})).data.id as string;
    return { workflow, instance };
  }
  const open = async () => {
    await page.goto(`${ft.url}/__flowtwin/ui`);
    await page.locator('#events-state', { hasText: 'events: live' }).waitFor();
  };
  const row = (id: string) => page.locator(`#instances tr[data-instance-id="${id}"]`);
  const rowStatus = (id: string) => row(id).getAttribute('data-status', { timeout: 1000 }).catch(() => null);
  const detailStatus = () => page.locator('#detail-body .detail-head').getAttribute('data-status', { timeout: 1000 }).catch(() => null);

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
    await expect(page.locator('#detail-body [data-step="Sleep"]').getAttribute('data-phase')).resolves.toBe('running');

    const before = (await ft.control.clock.get()).now;
    await page.locator('#advance-seconds').fill('120');
    await page.getByRole('button', { name: 'Advance clock' }).click();
    await expect.poll(() => rowStatus(instance), WAIT).toBe('SUCCEEDED');
    await expect.poll(detailStatus, WAIT).toBe('SUCCEEDED');
    await expect(page.locator('#detail-body [data-step="Notify"]').getAttribute('data-phase')).resolves.toBe('succeeded');
    const seen = await api('GET', `/api/v2/workflows/${workflow}/instances/${instance}`);
    expect(seen.data.attributes.instanceStatus.detailsKind).toBe('SUCCEEDED');
    expect((await ft.control.clock.get()).now).toBe(before + 120_000);
  });

  it('cancels a Datadog run with its Cancel button, through the vendor API a test would call', async () => {
    const { instance } = await runWorkflow();
    await open();
    await row(instance).click();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(detailStatus, WAIT).toBe('CANCELED');
    await expect.poll(() => rowStatus(instance), WAIT).toBe('CANCELED');
    const cancels = await ft.control.journal.query({ operation: 'CancelWorkflowInstance' });
    expect(cancels.map((e) => [e.status, e.params.instance_id])).toEqual([[200, instance]]);
  });

  it('triggers a failing SecMaster playbook from the form, then retries and terminates it with its buttons', async () => {
    await open();
    await page.locator('#trigger-form select[name=outcome]').selectOption('FAILED');
    await page.locator('#trigger-form input[name=fail_action]').fill('Block source IP');
    await page.getByRole('button', { name: 'Trigger' }).click();
    await expect.poll(detailStatus, WAIT).toBe('RUNNING');
    const id = (await page.locator('#detail-body .detail-head').getAttribute('data-instance-id'))!;

    await page.locator('#advance-seconds').fill('5');
    await page.getByRole('button', { name: 'Advance clock' }).click();
    await expect.poll(detailStatus, WAIT).toBe('FAILED');
    await page.getByRole('button', { name: 'Retry' }).click();
    await expect.poll(detailStatus, WAIT).toBe('RETRYING');
    await page.getByRole('button', { name: 'Terminate' }).click();
    await expect.poll(detailStatus, WAIT).toBe('TERMINATING');

    const shown = await fetch(`${ft.url}/v1/${PROJECT}/workspaces/${WS}/soc/playbooks/instances/${id}`, { headers: { 'X-Auth-Token': 'any' } });
    expect(((await shown.json()) as { status: string }).status).toBe('TERMINATING');
    const operations = await ft.control.journal.query({ operation: 'ChangePlaybookInstance' });
    expect(operations.map((e) => (e.requestBody as { operation: string }).operation)).toEqual(['RETRY', 'TERMINATE']);
  });

  it('shows the journal, filtered, with request and response bodies and the secrets masked', async () => {
    await api('POST', '/v3/auth/tokens', { auth: { identity: { methods: ['password'], password: { user: { name: 'alice', password: 's3cret-Pa55', domain: { name: 'alice' } } } }, scope: { project: { id: PROJECT } } } }, {});
    await runWorkflow();
    await open();
    await page.locator('#journal-filters input[name=operation]').fill('KeystoneCreateUserTokenByPassword');
    await expect.poll(() => page.locator('#journal-rows tr.journal-entry').count(), WAIT).toBe(1);
    await page.locator('#journal-rows tr.journal-entry').click();
    const bodies = page.locator('#journal-rows tr.journal-bodies');
    await bodies.waitFor();
    const text = (await bodies.textContent())!;
    expect(text).toContain('"password": "***"');
    expect(text).not.toContain('s3cret-Pa55');
  });

  it('adds a fault from the form, clears it, and resets everything with two clicks', async () => {
    await runWorkflow();
    await open();
    await page.locator('#fault-form select[name=vendor]').selectOption('datadog');
    await page.locator('#fault-form input[name=status]').fill('429');
    await page.getByRole('button', { name: 'Add fault' }).click();
    await expect.poll(async () => (await ft.control.faults.list()).map((f) => [f.vendor, f.status]), WAIT).toEqual([['datadog', 429]]);
    await expect(page.locator('#fault-list li').textContent()).resolves.toContain('status 429');
    await page.getByRole('button', { name: 'Clear all faults' }).click();
    await expect.poll(async () => (await ft.control.faults.list()).length, WAIT).toBe(0);

    await page.locator('#reset-seed').uncheck();
    await page.getByRole('button', { name: 'Reset' }).click();
    await page.getByRole('button', { name: 'Click again to reset' }).click();
    await expect.poll(() => page.locator('#instances tr[data-instance-id]').count(), WAIT).toBe(0);
    expect((await api('GET', '/__flowtwin/instances', undefined, {})).total).toBe(0);
  });
});
