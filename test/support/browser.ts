// A real browser for the dashboard's tests: Debian's chromium driven by playwright-core (which
// downloads nothing). Missing chromium skips those tests here and fails them in CI
// (FLOWTWIN_REQUIRE_BROWSER=1), like redis-server for the Redis store.
import { accessSync, constants } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

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
