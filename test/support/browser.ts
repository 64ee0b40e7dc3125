// A real browser for the dashboard's tests: Debian's chromium driven by playwright-core (which
// downloads nothing). Missing chromium skips those tests here and fails them in CI
// (FLOWTWIN_REQUIRE_BROWSER=1), like redis-server for the Redis store.
import { accessSync, constants } from 'node:fs';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { startFlowtwin, type StartedFlowtwin } from '../../src/testing/index.js';
import { workflowBody } from './flowtwin.js';

export const CHROMIUM = process.env.FLOWTWIN_CHROMIUM ?? '/usr/bin/chromium';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Why the browser tests cannot run here, or undefined when they can. Throws when CI demands a browser. */
export function browserSkipReason(): string | undefined {
  if (executable(CHROMIUM)) return undefined;
  const reason = `no chromium at ${CHROMIUM} (apt-get install chromium, or set FLOWTWIN_CHROMIUM)`;
  if (process.env.FLOWTWIN_REQUIRE_BROWSER === '1') throw new Error(`FLOWTWIN_REQUIRE_BROWSER=1 but ${reason}`);
  return reason;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
}

/**
 * One flowtwin and one browser for a file of dashboard tests, a fresh page per test, and the calls
 * those tests make to check what the page did. A script error on the page fails the test: a broken
 * module would otherwise show up only as a button that does nothing.
 */
export function useDashboard(): Dashboard {
  const d = { errors: [] as string[] } as Dashboard & { errors: string[] };
  let browser: Browser;
  beforeAll(async () => {
    d.ft = await startFlowtwin({ frozenAt: '2026-01-15T10:00:00Z', seed: false });
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await d.ft?.close();
  });
  beforeEach(async () => {
    await d.ft.control.reset({ seed: false });
    await d.ft.control.clock.freeze();
    d.errors.length = 0;
    d.page = await browser.newPage({ viewport: DESKTOP });
    d.page.on('pageerror', (err) => d.errors.push(err.message));
  });
  afterEach(async () => {
    await d.page?.close();
    expect(d.errors, 'errors thrown on the page').toEqual([]);
  });

  d.api = async (method, path, body, headers = KEYS) => {
    const res = await fetch(`${d.ft.url}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    expect(res.ok, `${method} ${path}: ${res.status}`).toBe(true);
    return res.status === 204 ? {} : ((await res.json()) as Record<string, any>);
  };
  d.runWorkflow = async (sleepSeconds = 60, instances = 1) => {
    const workflow = (await d.api('POST', '/api/v2/workflows', workflowBody({ sleepSeconds }))).data.id as string;
    const ids: string[] = [];
    for (let n = 0; n < instances; n++) ids.push((await d.api('POST', `/api/v2/workflows/${workflow}/instances`, {})).data.id as string);
    return { workflow, instance: ids[0]!, instances: ids };
  };
  d.open = async () => {
    await d.page.goto(`${d.ft.url}/__flowtwin/ui`);
    await d.page.locator('#events-state', { hasText: 'events: live' }).waitFor();
  };
  d.row = (id) => d.page.locator(`#instances tr[data-instance-id="${id}"]`);
  d.rowStatus = (id) => d.row(id).getAttribute('data-status', { timeout: 1000 }).catch(() => null);
  d.detailStatus = () => d.page.locator('#detail-body .detail-head').getAttribute('data-status', { timeout: 1000 }).catch(() => null);
  d.message = () => d.page.locator('#message').textContent();
  return d;
}

// The page's default credentials are the fixtures' keys, so runs made with them can be operated from it.
export const KEYS = { 'DD-API-KEY': 'flowtwin-api-key', 'DD-APPLICATION-KEY': 'flowtwin-app-key' };
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };
export const WAIT = { timeout: 10_000, interval: 50 };

export interface Dashboard {
  ft: StartedFlowtwin;
  page: Page;
  /** A call to flowtwin from the test (the fixtures' Datadog keys unless told otherwise); asserts a 2xx. */
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Record<string, any>>;
  /** A workflow of two steps (Sleep, Notify) and `instances` runs of it, made through the vendor API. */
  runWorkflow(sleepSeconds?: number, instances?: number): Promise<{ workflow: string; instance: string; instances: string[] }>;
  open(): Promise<void>;
  row(id: string): Locator;
  rowStatus(id: string): Promise<string | null>;
  detailStatus(): Promise<string | null>;
  message(): Promise<string | null>;
}
