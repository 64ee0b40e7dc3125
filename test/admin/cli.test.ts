import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlCommand, ControlUsageError } from '../../src/admin/cli.js';
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

  it('adds, lists and removes a fault, and a scenario', async () => {
    const added = JSON.parse((await run('fault', 'add', '{"status": 503, "times": 1}')).output) as { id: string };
    expect(JSON.parse((await run('fault', 'list')).output).faults).toEqual([expect.objectContaining({ id: added.id, status: 503 })]);
    expect((await run('fault', 'rm', added.id)).code).toBe(0);
    const scenario = JSON.parse((await run('scenario', 'add', '{"vendor": "datadog", "outcome": "FAILED"}')).output) as { id: string };
    expect(scenario.id).toMatch(/^scenario-/);
    await run('reset', '--no-seed');
    expect(JSON.parse((await run('scenario', 'list')).output).scenarios).toEqual([]);
  });

  it("says what was wrong: the server's problem detail, a bad JSON argument, an unknown verb", async () => {
    await expect(run('clock', 'advance', 'soon')).rejects.toThrow(/400: body must be \{"ms"/);
    await expect(run('fault', 'add', '{oops')).rejects.toThrow(ControlUsageError);
    await expect(run('clock', 'rewind')).rejects.toThrow(/unknown control command "clock rewind"/);
  });
});
