import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlCommand, ControlUsageError, parseDuration } from '../../src/admin/cli.js';
import { serve, type RunningFlowtwin } from '../../src/serve.js';
import { T0 } from '../support/flowtwin.js';

let ft: RunningFlowtwin;
beforeAll(async () => {
  ft = await serve({ port: 0, now: () => T0 });
});
afterAll(() => ft.stop());

async function run(...argv: string[]) {
  const lines: string[] = [];
  const code = await controlCommand([...argv, '--url', ft.url], (l) => lines.push(l));
  return { code, output: lines.join('\n') };
}

describe('control verbs on the command line', () => {
  it('freezes, advances and shows the clock', async () => {
    await run('clock', 'freeze');
    const advanced = await run('clock', 'advance', '60000');
    expect(advanced.code).toBe(0);
    expect(JSON.parse(advanced.output)).toMatchObject({ now: T0 + 60_000, frozen: true });
    expect(JSON.parse((await run('clock')).output).now).toBe(T0 + 60_000);
  });

  it('adds, lists and removes a fault, a scenario and an override', async () => {
    const added = JSON.parse((await run('fault', 'add', '{"status": 503, "times": 1}')).output) as { id: string };
    expect(JSON.parse((await run('fault', 'list')).output).faults).toEqual([expect.objectContaining({ id: added.id, status: 503 })]);
    expect(await run('fault', 'rm', added.id)).toEqual({ code: 0, output: `removed fault ${added.id}` });
    expect(JSON.parse((await run('fault', 'list')).output).faults).toEqual([]);
    await expect(run('fault', 'rm', added.id)).rejects.toThrow(/^404: /);
    const scenario = JSON.parse((await run('scenario', 'add', '{"vendor": "datadog", "outcome": "FAILED"}')).output) as { id: string };
    expect(scenario.id).toMatch(/^scenario-/);
    await run('reset', '--no-seed');
    expect(JSON.parse((await run('scenario', 'list')).output).scenarios).toEqual([]);
    const override = JSON.parse((await run('override', 'add', '{"operation": "ListWorkflows", "status": 429, "body": {"errors": ["Too many requests"]}, "times": 1}')).output) as { id: string };
    expect(override.id).toMatch(/^override-/);
    expect(JSON.parse((await run('override', 'list')).output).overrides).toEqual([expect.objectContaining({ id: override.id, status: 429 })]);
    expect(await run('override', 'rm', override.id)).toEqual({ code: 0, output: `removed override ${override.id}` });
  });

  it("says what was wrong: the server's problem detail, a bad JSON argument, an unknown verb", async () => {
    // Past the spec's bound: the server's problem detail, with its status.
    await expect(run('clock', 'advance', '4000000000000')).rejects.toThrow(/^400: .*ms/);
    await expect(run('fault', 'add', '{oops')).rejects.toThrow(ControlUsageError);
    await expect(run('clock', 'rewind')).rejects.toThrow(/unknown control command "clock rewind"/);
  });

  it('reads durations with units, and refuses negative, malformed or extra arguments before calling', async () => {
    expect([parseDuration('250'), parseDuration('90s'), parseDuration('5m'), parseDuration('1.5h'), parseDuration('2d'), parseDuration('0ms')]).toEqual([
      250, 90_000, 300_000, 5_400_000, 172_800_000, 0,
    ]);
    await run('clock', 'freeze');
    const before = JSON.parse((await run('clock')).output).now as number;
    expect(JSON.parse((await run('clock', 'advance', '5m')).output).now).toBe(before + 300_000);
    for (const [args, message] of [
      [['clock', 'advance', '-5m'], /"-5m" is negative/],
      [['clock', 'advance', 'soon'], /clock advance needs a duration of 0 or more .* got "soon"/],
      [['clock', 'advance', '1.5ms'], /got "1.5ms"/],
      [['clock', 'advance'], /got ""/],
      [['clock', 'speed', '0'], /clock speed needs a factor greater than 0 .* got "0"/],
      [['clock', 'speed', 'fast'], /got "fast"/],
      [['clock', 'freeze', 'now'], /clock freeze takes no argument; unexpected "now"/],
      [['fault', 'rm'], /fault rm needs the id to remove/],
      [['scenario', 'add', '{}', '{}'], /scenario add takes one argument; unexpected "\{\}"/],
      [['reset', 'all'], /reset takes no argument; unexpected "all"/],
      [['clock', '--bogus'], /Unknown option '--bogus' \(run 'flowtwin clock --help'\)/],
    ] as const) {
      await expect(run(...args), args.join(' ')).rejects.toThrow(ControlUsageError);
      await expect(run(...args), args.join(' ')).rejects.toThrow(message);
    }
    // None of those reached the server: the clock is where the valid call left it.
    expect(JSON.parse((await run('clock')).output).now).toBe(before + 300_000);
  });

  it('says it cannot reach flowtwin, naming the address and the cause, and takes the address from FLOWTWIN_URL', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(controlCommand(['clock', '--url', `http://127.0.0.1:${port}`], () => undefined)).rejects.toThrow(
      `cannot reach flowtwin at http://127.0.0.1:${port}: ECONNREFUSED`,
    );
    await expect(controlCommand(['clock', '--url', 'localhost:4010'], () => undefined)).rejects.toThrow(/--url must be a flowtwin's http\(s\) address/);
    const lines: string[] = [];
    process.env.FLOWTWIN_URL = ft.url;
    try {
      expect(await controlCommand(['clock'], (l) => lines.push(l))).toBe(0);
    } finally {
      delete process.env.FLOWTWIN_URL;
    }
    expect(JSON.parse(lines.join('\n'))).toHaveProperty('now');
  });
});
