// `flowtwin serve` as a user runs it: on a non-loopback host it never opens its control plane
// without a token (it makes one up and prints it), `--control-token none` opts out with a warning,
// and the control verbs send the token they are given.
import { afterEach, describe, expect, it } from 'vitest';
import { controlCommand } from '../../src/admin/cli.js';
import { cli, killChildren } from '../support/cli.js';

afterEach(killChildren);

const ENV = { ...process.env, FLOWTWIN_CONTROL_TOKEN: '' };

/** Waits until the server has printed `pattern` (on stdout or stderr). */
async function printed(run: ReturnType<typeof cli>, pattern: RegExp, ms = 30_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + ms;
  for (;;) {
    const { out, err } = run.output();
    const match = (out + err).match(pattern);
    if (match) return match;
    if (run.child.exitCode !== null) throw new Error(`flowtwin exited ${run.child.exitCode}: ${err}`);
    if (Date.now() > deadline) throw new Error(`flowtwin did not print ${pattern}: ${out}${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** serve printed http://0.0.0.0:<port>; loopback reaches it. */
const loopback = (url: string): string => `http://127.0.0.1:${new URL(url).port}`;

const status = async (url: string, path: string, token?: string): Promise<number> =>
  (await fetch(`${url}${path}`, { headers: token ? { 'X-Flowtwin-Control-Token': token } : {} })).status;

describe('flowtwin serve on a non-loopback host', () => {
  it('makes up a control token (a blank FLOWTWIN_CONTROL_TOKEN is unset), prints it once, and requires it on every control call but health', async () => {
    const run = cli(['serve', '--host', '0.0.0.0', '--port', '0', '--no-seed'], ENV);
    const url = loopback(await run.url());
    const [, token] = await printed(run, /^control token: (\S+) \(set --control-token to choose it\)$/m);
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(run.output().out.split(token!).length - 1).toBe(1);

    expect(await status(url, '/__flowtwin/health')).toBe(200);
    expect(await status(url, '/__flowtwin/clock')).toBe(401);
    expect(await status(url, '/__flowtwin/clock', 'not-it')).toBe(401);
    expect(await status(url, '/__flowtwin/events')).toBe(401);
    expect(await status(url, '/__flowtwin/clock', token)).toBe(200);
  }, 60_000);

  it('stays open with --control-token none, and says so on stderr', async () => {
    const run = cli(['serve', '--host', '0.0.0.0', '--port', '0', '--no-seed', '--control-token', 'none'], ENV);
    const url = loopback(await run.url());
    await printed(run, /warning: the control plane \(.*\/__flowtwin\) is open to anyone who can reach 0\.0\.0\.0 \(--control-token none\)/);
    expect(run.output().out).not.toContain('control token:');
    expect(await status(url, '/__flowtwin/clock')).toBe(200);
  }, 60_000);

  it('takes the token from FLOWTWIN_CONTROL_TOKEN without printing it; the control verbs send --control-token', async () => {
    const token = 'env-chosen-token';
    const run = cli(['serve', '--host', '0.0.0.0', '--port', '0', '--no-seed'], { ...process.env, FLOWTWIN_CONTROL_TOKEN: token });
    const url = loopback(await run.url());
    await printed(run, /^store: /m);
    expect(run.output().out).not.toContain(token);
    expect(await status(url, '/__flowtwin/clock')).toBe(401);
    expect(await status(url, '/__flowtwin/clock', token)).toBe(200);

    const lines: string[] = [];
    await expect(controlCommand(['clock', 'freeze', '--url', url], (l) => lines.push(l))).rejects.toThrow(
      /^401: .*X-Flowtwin-Control-Token header.* \(pass --control-token or set FLOWTWIN_CONTROL_TOKEN\)$/,
    );
    expect(await controlCommand(['clock', 'freeze', '--url', url, '--control-token', token], (l) => lines.push(l))).toBe(0);
    expect(JSON.parse(lines.join('\n'))).toMatchObject({ frozen: true });
  }, 60_000);

  it('refuses an empty --control-token as a usage error', async () => {
    const run = cli(['serve', '--host', '0.0.0.0', '--port', '0', '--no-seed', '--control-token', ''], ENV);
    const code = await new Promise<number | null>((resolve) => run.child.once('exit', resolve));
    expect(code).toBe(2);
    expect(run.output().err).toMatch(/--control-token must not be empty/);
  }, 60_000);
});

describe('flowtwin serve on loopback', () => {
  it('is open without a token, and locked with one', async () => {
    const open = cli(['serve', '--port', '0', '--no-seed'], ENV);
    expect(await status(await open.url(), '/__flowtwin/clock')).toBe(200);
    expect(open.output().out).not.toContain('control token:');

    const locked = cli(['serve', '--port', '0', '--no-seed', '--control-token', 'loop-token'], ENV);
    const url = await locked.url();
    expect(await status(url, '/__flowtwin/clock')).toBe(401);
    expect(await status(url, '/__flowtwin/clock', 'loop-token')).toBe(200);
  }, 60_000);
});
