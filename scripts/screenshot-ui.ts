// Redraws docs/ui.png: the dashboard over a flowtwin with a few instances (Datadog runs in two
// orgs, one running, one canceled, one finished; SecMaster runs, one failed, one running), frozen at a fixed time
// so the picture only changes when the page does. Run: npx tsx scripts/screenshot-ui.ts [out.png]
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { startFlowtwin } from '../src/testing/index.js';

const OUT = resolve(process.argv[2] ?? 'docs/ui.png');
const CHROMIUM = process.env.FLOWTWIN_CHROMIUM ?? '/usr/bin/chromium';
const KEYS = { 'DD-API-KEY': 'flowtwin-api-key', 'DD-APPLICATION-KEY': 'flowtwin-app-key' };
const OTHER = { 'DD-API-KEY': 'team-b-api-key', 'DD-APPLICATION-KEY': 'team-b-app-key' };
const PROJECT = '0123456789abcdef0123456789abcdef';
const WORKSPACE = '7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b';

const ft = await startFlowtwin({ frozenAt: '2026-01-15T10:00:00Z', seed: false });
const post = async (path: string, body: unknown, headers: Record<string, string> = {}, method = 'POST') => {
  const res = await fetch(`${ft.url}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { data: { id: string }; id: string };
};
const workflow = (name: string, seconds: number) => ({
  data: {
    type: 'workflows',
    attributes: {
      name,
      spec: {
        triggers: [{ startStepNames: ['Check health'], apiTrigger: {} }],
        steps: [
          { name: 'Check health', actionId: 'com.datadoghq.http.request', outboundEdges: [{ nextStepName: 'Sleep', branchName: 'main' }] },
          { name: 'Sleep', actionId: 'com.datadoghq.core.sleep', parameters: [{ name: 'durationSeconds', value: seconds }], outboundEdges: [{ nextStepName: 'Notify', branchName: 'main' }] },
          { name: 'Notify', actionId: 'com.datadoghq.slack.send_simple_message' },
        ],
      },
    },
  },
});
const advance = (ms: number) => ft.control.clock.advance(ms);

try {
  const restart = (await post('/api/v2/workflows', workflow('Restart service', 120), KEYS)).data.id;
  const rotate = (await post('/api/v2/workflows', workflow('Rotate keys', 30), OTHER)).data.id;
  await post(`/api/v2/workflows/${rotate}/instances`, {}, OTHER);
  const canceled = (await post(`/api/v2/workflows/${restart}/instances`, {}, KEYS)).data.id;
  await advance(20_000);
  await post(`/api/v2/workflows/${restart}/instances/${canceled}/cancel`, {}, KEYS, 'PUT');
  await post('/__flowtwin/secmaster/trigger', { project_id: PROJECT, workspace_id: WORKSPACE, outcome: 'FAILED', fail_action: 'Block source IP' });
  await advance(30_000);
  const running = (await post(`/api/v2/workflows/${restart}/instances`, {}, KEYS)).data.id;
  await advance(45_000);
  await post('/__flowtwin/secmaster/trigger', { project_id: PROJECT, workspace_id: WORKSPACE });
  await advance(1_500);
  await post('/__flowtwin/faults', { vendor: 'datadog', operation: 'GetWorkflowInstance', status: 429, times: 2 });
  await fetch(`${ft.url}/api/v2/workflows/${restart}/instances/${running}`, { headers: KEYS });

  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(`${ft.url}/__flowtwin/ui`);
    await page.locator(`#instances tr[data-instance-id="${running}"]`).click();
    await page.locator(`#detail-body [data-instance-id="${running}"]`).waitFor();
    await page.locator('#events-state', { hasText: 'live' }).waitFor();
    await page.locator('#journal-rows tr.journal-entry').first().click();
    await page.locator('#journal-rows tr.journal-bodies').waitFor();
    await page.screenshot({ path: OUT, fullPage: true });
    console.log(`wrote ${OUT}`);
  } finally {
    await browser.close();
  }
} finally {
  await ft.close();
}
