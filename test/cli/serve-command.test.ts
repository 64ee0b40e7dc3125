// What a user typing `flowtwin ...` sees: help per command, suggestions, environment variables for
// every serve option (a flag wins), and usage errors that name where the bad value came from.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { VERSION } from '../../src/version.js';
import { SERVE_OPTIONS } from '../../src/cli/serve-command.js';
import { cli, killChildren } from '../support/cli.js';

afterEach(killChildren);

const DD = { 'DD-API-KEY': 'flowtwin-api-key', 'DD-APPLICATION-KEY': 'flowtwin-app-key' };

/** Runs to exit; the exit code and what was printed. */
async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = cli(args, { ...process.env, ...env });
  const [code] = await once(child.child, 'exit');
  return { code: code as number, ...child.output() };
}

async function workflowCount(url: string): Promise<number> {
  const res = await fetch(`${url}/api/v2/workflows`, { headers: DD });
  return ((await res.json()) as { meta: { page: { totalCount: number } } }).meta.page.totalCount;
}

describe('flowtwin help', () => {
  it('prints each command its own usage with exit 0, lists every command and every serve option with its variable', async () => {
    const [root, serve, ...delegated] = await Promise.all([
      run(['--help']),
      run(['serve', '--help']),
      ...['contract', 'verify-har', 'proxy', 'store', 'clock', 'fault', 'scenario', 'reset', 'events'].map((c) => run([c, '--help'])),
    ]);
    expect(root.code).toBe(0);
    for (const c of ['serve', 'contract', 'verify-har', 'proxy', 'store', 'clock', 'fault', 'scenario', 'reset', 'events', 'help', 'version']) {
      expect(root.out).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
    }
    expect(serve.code).toBe(0);
    // commander wraps help to the terminal's width: compared with the line breaks taken out.
    const serveHelp = serve.out.replace(/\s+/g, ' ');
    for (const [flag, env] of SERVE_OPTIONS) (expect(serveHelp).toContain(`--${flag}`), expect(serveHelp).toContain(`env: ${env}`));
    const [contract, verifyHar, proxy, store, ...control] = delegated;
    expect(contract).toMatchObject({ code: 0, out: expect.stringContaining('flowtwin contract --vendor datadog|secmaster') });
    expect(verifyHar).toMatchObject({ code: 0, out: expect.stringContaining('flowtwin verify-har <file.har>') });
    expect(proxy).toMatchObject({ code: 0, out: expect.stringContaining('flowtwin proxy --upstream') });
    expect(store).toMatchObject({ code: 0, out: expect.stringContaining('flowtwin store check') });
    for (const c of control) expect(c).toMatchObject({ code: 0, out: expect.stringContaining('flowtwin clock [show') });
  });

  it('answers `help <command>`, `version` and --version, and refuses `help` of an unknown command', async () => {
    const [helpServe, helpProxy, helpNone, version, dashV, bare] = await Promise.all([
      run(['help', 'serve']),
      run(['help', 'proxy']),
      run(['help', 'launch']),
      run(['version']),
      run(['--version']),
      run([]),
    ]);
    expect(helpServe).toMatchObject({ code: 0, out: expect.stringContaining('--max-instances-per-tenant <n>') });
    expect(helpProxy).toMatchObject({ code: 0, out: expect.stringContaining('flowtwin proxy --upstream') });
    expect(helpNone).toMatchObject({ code: 2, err: expect.stringContaining('unknown command "launch"') });
    expect(version).toMatchObject({ code: 0, out: `${VERSION}\n` });
    expect(dashV).toMatchObject({ code: 0, out: `${VERSION}\n` });
    // No command is a mistake: the list of commands, and a usage exit code.
    expect(bare.code).toBe(2);
    expect(bare.out + bare.err).toContain('serve');
  });

  it('suggests the option meant, and refuses an argument serve does not take', async () => {
    const [typo, extra, unknownCommand] = await Promise.all([run(['serve', '--prot', '0']), run(['serve', 'now']), run(['serv'])]);
    expect(typo.code).toBe(2);
    expect(typo.err).toMatch(/unknown option '--prot'\s*\(Did you mean --port\?\)/);
    expect(extra.code).toBe(2);
    expect(extra.err).toMatch(/too many arguments for 'serve'/);
    expect(unknownCommand.code).toBe(2);
    expect(unknownCommand.err).toMatch(/Did you mean serve\?/);
  });
});

describe('flowtwin serve environment variables', () => {
  it('reads FLOWTWIN_PORT and FLOWTWIN_SEED=none, and a flag wins over its variable', async () => {
    const fromEnv = cli(['serve'], { ...process.env, FLOWTWIN_PORT: '0', FLOWTWIN_SEED: 'none' });
    const empty = await fromEnv.url();
    expect(await workflowCount(empty)).toBe(0);
    // The variable says a port that cannot be, the flag says 0: the flag is used.
    const flagWins = cli(['serve', '--port', '0', '--seed', 'fixtures/default.json'], { ...process.env, FLOWTWIN_PORT: 'abc', FLOWTWIN_SEED: 'none' });
    expect(await workflowCount(await flagWins.url())).toBe(3);
    fromEnv.child.kill('SIGTERM');
    flagWins.child.kill('SIGTERM');
    expect((await once(fromEnv.child, 'exit'))[0]).toBe(0);
  });

  it('names the variable a bad value came from, and refuses a boolean variable that is neither yes nor no', async () => {
    const [port, limit, validate, flagPort] = await Promise.all([
      run(['serve'], { FLOWTWIN_PORT: 'abc' }),
      run(['serve', '--port', '0'], { FLOWTWIN_JOURNAL_LIMIT: '-5' }),
      run(['serve', '--port', '0'], { FLOWTWIN_VALIDATE_RESPONSES: 'maybe' }),
      run(['serve', '--port', '99999']),
    ]);
    expect(port).toMatchObject({ code: 2, err: expect.stringContaining('FLOWTWIN_PORT must be an integer from 0 to 65535, got "abc"') });
    expect(limit).toMatchObject({ code: 2, err: expect.stringContaining('FLOWTWIN_JOURNAL_LIMIT must be an integer from 1 to 1000000, got "-5"') });
    expect(validate).toMatchObject({ code: 2, err: expect.stringContaining('FLOWTWIN_VALIDATE_RESPONSES must be 1, true, yes, 0, false or no, got "maybe"') });
    expect(flagPort).toMatchObject({ code: 2, err: expect.stringContaining('--port must be an integer from 0 to 65535, got "99999"') });
  });
});

describe('flowtwin serve logs', () => {
  it('writes JSON lines to stderr: store connected, listening, each request, shutdown; stdout keeps the ready line', async () => {
    const server = cli(['serve', '--port', '0', '--log-format', 'json']);
    const url = await server.url();
    expect(await workflowCount(url)).toBe(3);
    server.child.kill('SIGTERM');
    expect((await once(server.child, 'exit'))[0]).toBe(0);
    const { out, err } = server.output();
    expect(out.split('\n')[0]).toBe(`flowtwin ${VERSION} listening on ${url}`);
    const records = err
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.map((r) => r.msg)).toEqual([
      'store connected: memory in-process',
      `flowtwin ${VERSION} listening on ${url}`,
      'GET /api/v2/workflows 200',
      'SIGTERM: shutting down (in-flight requests finish, then the store closes)',
      'stopped',
    ]);
    expect(records[2]).toMatchObject({ level: 30, vendor: 'datadog', operation: 'ListWorkflows', method: 'GET', status: 200, tenant: expect.any(String) });
  });

  it('takes FLOWTWIN_LOG_LEVEL (warn: no request lines) and refuses a level it does not know', async () => {
    const quiet = cli(['serve', '--port', '0', '--log-format', 'json'], { ...process.env, FLOWTWIN_LOG_LEVEL: 'warn' });
    await workflowCount(await quiet.url());
    quiet.child.kill('SIGTERM');
    await once(quiet.child, 'exit');
    expect(quiet.output().err).toBe('');
    const [level, format] = await Promise.all([run(['serve', '--log-level', 'loud']), run(['serve'], { FLOWTWIN_LOG_FORMAT: 'xml' })]);
    expect(level).toMatchObject({
      code: 2,
      err: expect.stringMatching(/option '--log-level <level>' argument 'loud' is invalid. Allowed choices are trace, debug, info, warn, error, fatal, silent/),
    });
    expect(format).toMatchObject({
      code: 2,
      err: expect.stringMatching(/value 'xml' from env 'FLOWTWIN_LOG_FORMAT' is invalid. Allowed choices are json, pretty/),
    });
  });
});

describe('flowtwin serve --cors', () => {
  it('answers a preflight from the listed origin (FLOWTWIN_CORS) and refuses a value that is not an origin', async () => {
    const server = cli(['serve', '--port', '0'], { ...process.env, FLOWTWIN_CORS: 'http://localhost:5173, https://app.example' });
    const url = await server.url();
    const pre = await fetch(`${url}/api/v2/workflows`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'dd-api-key' },
    });
    expect([pre.status, pre.headers.get('access-control-allow-origin')]).toEqual([204, 'https://app.example']);
    server.child.kill('SIGTERM');
    const [flag, env] = await Promise.all([run(['serve', '--cors', 'localhost:5173']), run(['serve'], { FLOWTWIN_CORS: 'https://app.example/path' })]);
    expect(flag).toMatchObject({
      code: 2,
      err: expect.stringContaining('--cors takes origins such as http://localhost:5173 (scheme, host, port; no path), got "localhost:5173"'),
    });
    expect(env).toMatchObject({ code: 2, err: expect.stringContaining('FLOWTWIN_CORS takes origins such as') });
  });
});

describe('flowtwin serve --tls', () => {
  it('serves https with a generated certificate it says where to find, and refuses a certificate without --tls', async () => {
    const server = cli(['serve', '--port', '0', '--tls']);
    const url = await server.url();
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    await vi.waitFor(() =>
      expect(server.output().out).toMatch(/^tls: a self-signed certificate for localhost, written to (\S+) \(trust it: NODE_EXTRA_CA_CERTS=\1\)$/m),
    );
    const certFile = /written to (\S+) /.exec(server.output().out)![1]!;
    const status = await new Promise<number>((resolve, reject) =>
      httpsGet(`${url}/__flowtwin/health`, { ca: readFileSync(certFile) }, (res) => resolve(res.statusCode!)).on('error', reject),
    );
    expect(status).toBe(200);
    server.child.kill('SIGTERM');
    const [alone, half] = await Promise.all([run(['serve', '--tls-cert', 'cert.pem']), run(['serve', '--tls', '--tls-key', 'key.pem'])]);
    expect(alone).toMatchObject({ code: 2, err: expect.stringContaining('--tls-cert and --tls-key take effect with --tls') });
    expect(half).toMatchObject({ code: 2, err: expect.stringContaining('--tls needs both --tls-cert and --tls-key, or neither') });
  });
});
