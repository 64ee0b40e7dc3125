// The dashboard's layout in a real browser: the selected instance stays in view beside (or under) a
// long list, no label is cut, a phone-sized window needs no sideways scrolling, tenants show by
// their readable label; and the pictures in docs/ are drawn from here.
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { browserSkipReason, DESKTOP, PHONE, useDashboard, WAIT } from '../support/browser.js';

const PROJECT = '0123456789abcdef0123456789abcdef';
const WS = '7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b';
const OTHER = { 'DD-API-KEY': 'team-b-api-key', 'DD-APPLICATION-KEY': 'team-b-app-key' };
// CI must never dirty the tree: the committed pictures change only when asked for.
const SHOTS = process.env.FLOWTWIN_UPDATE_SCREENSHOTS === '1' ? fileURLToPath(new URL('../../docs/', import.meta.url)) : tmpdir();

interface Box { left: number; right: number; top: number; bottom: number; width: number; height: number }

const skip = browserSkipReason();
describe.skipIf(skip !== undefined)(`dashboard layout in a browser${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const d = useDashboard();
  const { api, open, runWorkflow, row } = d;

  const box = (selector: string): Promise<Box> => d.page.locator(selector).evaluate((el: any) => el.getBoundingClientRect().toJSON());
  const inViewport = async (selector: string) => {
    const b = await box(selector);
    const { width, height } = d.page.viewportSize()!;
    return b.bottom > 0 && b.top < height && b.right > 0 && b.left < width && b.height > 0;
  };
  const scrollY = () => d.page.evaluate('window.scrollY') as Promise<number>;

  /** A SecMaster run that failed, was retried, then terminated: the longest transition labels there are. */
  async function terminatedPlaybook(): Promise<string> {
    const started = await api('POST', '/__flowtwin/secmaster/trigger', { project_id: PROJECT, workspace_id: WS, outcome: 'FAILED' }, {});
    const id = started.id as string;
    const operate = async (name: string) => {
      const detail = await api('GET', `/__flowtwin/instances/secmaster/${PROJECT}/${id}`, undefined, {});
      const op = (detail.operations as { name: string; method: string; path: string; body?: unknown }[]).find((o) => o.name === name)!;
      expect(op, `${name} allowed now`).toBeDefined();
      await api(op.method, op.path, op.body, { 'X-Auth-Token': 'flowtwin-dashboard', 'X-Project-Id': PROJECT });
    };
    await d.ft.control.clock.advance(60_000);
    await operate('RETRY');
    await operate('TERMINATE');
    await d.ft.control.clock.advance(60_000);
    return id;
  }

  /** Labels in the detail wider than their box (cut), or reaching out of the panel. */
  const cutLabels = () =>
    d.page.locator('#detail').evaluate((panel: any) => {
      const edge = panel.getBoundingClientRect();
      const labels = [...panel.querySelectorAll('.transition-label, .tl-label, .tl-mark span, .tenant-label, dd, h3')];
      return {
        count: labels.length,
        cut: labels
          .filter((el: any) => {
            const r = el.getBoundingClientRect();
            return el.scrollWidth > el.clientWidth + 1 || r.left < edge.left - 1 || r.right > edge.right + 1;
          })
          .map((el: any) => `${el.className}: ${el.textContent}`),
      };
    });

  it('keeps the detail of an instance selected far down a list of 40 in view, at 1280 px and at 390 px', async () => {
    await runWorkflow(60, 40);
    await open();
    const rows = d.page.locator('#instances tr[data-instance-id]');
    await expect.poll(() => rows.count(), WAIT).toBe(40);
    const low = (await rows.last().getAttribute('data-instance-id'))!;
    await row(low).click();
    await expect.poll(() => d.page.locator('#detail-body .detail-head').getAttribute('data-instance-id'), WAIT).toBe(low);
    expect(await scrollY()).toBeGreaterThan(0); // the row was out of the first screen
    expect(await inViewport('#detail-body .detail-head')).toBe(true);

    await d.page.setViewportSize(PHONE);
    await d.page.evaluate('window.scrollTo(0, 0)');
    const other = (await rows.nth(30).getAttribute('data-instance-id'))!;
    await row(other).click();
    await expect.poll(() => d.page.locator('#detail-body .detail-head').getAttribute('data-instance-id'), WAIT).toBe(other);
    await expect.poll(() => inViewport('#detail-body .detail-head'), WAIT).toBe(true);
    // On a phone the detail is under the list: the page went to it, away from the row.
    expect(await inViewport(`#instances tr[data-instance-id="${other}"]`)).toBe(false);
  });

  it('shows every transition and step label whole, wrapping where it must, at 1280 px and at 390 px', async () => {
    const id = await terminatedPlaybook();
    await open();
    await row(id).click();
    await expect.poll(d.detailStatus, WAIT).toBe('TERMINATED');
    const labels = d.page.locator('#detail-body .transition-label');
    await expect(labels.allTextContents()).resolves.toEqual([
      '∅ → RUNNING (start)',
      'RUNNING → FAILED (plan)',
      'FAILED → RETRYING (operation RETRY)',
      'RETRYING → TERMINATING (operation TERMINATE)',
      'TERMINATING → TERMINATED (settle)',
    ]);
    for (const viewport of [DESKTOP, PHONE]) {
      await d.page.setViewportSize(viewport);
      const { count, cut } = await cutLabels();
      expect(count).toBeGreaterThan(10);
      expect(cut, `at ${viewport.width} px`).toEqual([]);
    }
  });

  it('fits a 390 px phone: no sideways page scroll, the header wraps, panels stack, buttons 32 px tall, tables scroll in their own box', async () => {
    await terminatedPlaybook();
    const { instances } = await runWorkflow(60, 3);
    await d.page.setViewportSize(PHONE);
    await open();
    await row(instances[0]!).click();
    await expect.poll(d.detailStatus, WAIT).toBe('IN_PROGRESS');
    await expect.poll(() => d.page.locator('#journal-rows tr.journal-entry').count(), WAIT).toBeGreaterThan(3);
    await d.page.locator('#journal-rows tr.journal-entry').first().click();
    await d.page.locator('#journal-rows tr.journal-bodies').waitFor();
    for (const summary of ['Scenarios', 'Response overrides', 'Rate limits', 'Credentials']) await d.page.locator('#controls summary', { hasText: summary }).click();

    expect(await d.page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    const header = await d.page.locator('header *').evaluateAll((els: any[]) => els.map((el) => el.getBoundingClientRect().right));
    expect(Math.max(...header)).toBeLessThanOrEqual(PHONE.width);
    expect((await box('header')).height).toBeGreaterThan(60); // its controls went onto more lines

    const panels = await Promise.all(['#instances', '#detail', '#controls', '#journal'].map(box));
    for (const [n, p] of panels.entries()) {
      expect(p.left).toBeGreaterThanOrEqual(0);
      expect(p.right).toBeLessThanOrEqual(PHONE.width);
      if (n > 0) expect(p.top).toBeGreaterThanOrEqual(panels[n - 1]!.bottom);
    }

    const buttons = await d.page.locator('button:visible').evaluateAll((els: any[]) => els.map((el) => [el.textContent, el.getBoundingClientRect().height]));
    expect(buttons.length).toBeGreaterThan(10);
    expect(buttons.filter(([, height]) => height < 32)).toEqual([]);

    const tables = await d.page.locator('.table-scroll').evaluateAll((els: any[]) =>
      els.map((el) => ({ overflowX: (globalThis as any).getComputedStyle(el).overflowX, right: el.getBoundingClientRect().right, scrolls: el.scrollWidth > el.clientWidth })),
    );
    expect(tables.length).toBeGreaterThanOrEqual(2);
    for (const t of tables) {
      expect(t.overflowX).toBe('auto');
      expect(t.right).toBeLessThanOrEqual(PHONE.width);
    }
    // The journal is wider than a phone: it scrolls inside its box (the page did not, above).
    expect(tables.some((t) => t.scrolls)).toBe(true);
  });

  it("shows each tenant by the server's readable label, with the raw id in its title, in the list, the detail and the credentials", async () => {
    const { instance } = await runWorkflow();
    const listed = (await api('GET', '/__flowtwin/instances', undefined, {})).instances as { id: string; tenant: string; tenantLabel?: string }[];
    const { tenant, tenantLabel } = listed.find((i) => i.id === instance)!;
    expect(tenantLabel, 'GET /__flowtwin/instances gives tenantLabel').toEqual(expect.any(String));
    expect(tenantLabel).not.toBe(tenant);
    await open();

    const group = d.page.locator(`#instances section.tenant[data-tenant="${tenant}"] h3 .tenant-label`);
    await expect.poll(() => group.textContent(), WAIT).toBe(tenantLabel);
    await expect(group.getAttribute('title')).resolves.toBe(tenant);

    await row(instance).click();
    const dd = d.page.locator('#detail-body dd.tenant-label');
    await expect.poll(() => dd.textContent(), WAIT).toBe(tenantLabel);
    await expect(dd.getAttribute('title')).resolves.toBe(tenant);

    await d.page.locator('#controls summary', { hasText: 'Credentials' }).click();
    const keys = d.page.locator('#credentials-tenant .tenant-label');
    await expect.poll(() => keys.textContent(), WAIT).toBe(tenantLabel);
    await expect(keys.getAttribute('title')).resolves.toBe(tenant);
  });

  it(`draws the dashboard with a few runs and an open detail at 1280x800 and 390x844 (into ${SHOTS === tmpdir() ? 'the temp folder' : 'docs/'})`, async () => {
    await terminatedPlaybook();
    const { workflow, instances: restart } = await runWorkflow(120, 2);
    const rotate = (await api('POST', '/api/v2/workflows', { data: { type: 'workflows', attributes: { name: 'Rotate keys', spec: { triggers: [{ startStepNames: ['Sleep'], apiTrigger: {} }], steps: [{ name: 'Sleep', actionId: 'com.datadoghq.core.sleep', parameters: [{ name: 'durationSeconds', value: 30 }] }] } } } }, OTHER)).data.id;
    await api('POST', `/api/v2/workflows/${rotate}/instances`, {}, OTHER);
    await d.ft.control.clock.advance(20_000);
    await api('PUT', `/api/v2/workflows/${workflow}/instances/${restart[1]}/cancel`);
    await d.ft.control.faults.add({ vendor: 'datadog', operation: 'GetWorkflowInstance', status: 429, times: 2 });
    await d.ft.control.scenarios.add({ vendor: 'datadog', outcome: 'FAILED', failStep: 'Notify', times: 1 });

    for (const [viewport, file] of [[DESKTOP, 'ui.png'], [PHONE, 'ui-390.png']] as const) {
      await d.page.setViewportSize(viewport);
      await open();
      await row(restart[0]!).click();
      await expect.poll(d.detailStatus, WAIT).toBe('IN_PROGRESS');
      await expect.poll(() => d.page.locator('#instances tr[data-instance-id]').count(), WAIT).toBe(4);
      await expect.poll(() => d.page.locator('#scenario-list li').count(), WAIT).toBe(1);
      await d.page.locator('#controls summary', { hasText: 'Scenarios' }).click();
      // Wide: the top of the page; on a phone: the end of the list and the detail under it.
      await d.page.evaluate(viewport === DESKTOP ? 'window.scrollTo(0, 0)' : 'window.scrollTo(0, document.querySelector("#detail").getBoundingClientRect().top + scrollY - 300)');
      const path = join(SHOTS, file);
      await d.page.screenshot({ path });
      // A PNG's size is in its header: width at byte 16, height at byte 20.
      const png = readFileSync(path);
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([viewport.width, viewport.height]);
    }
  });
});
