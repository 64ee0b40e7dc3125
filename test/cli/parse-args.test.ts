// The subcommands that parse their own arguments (contract, verify-har, proxy, store) say a mistake
// the way serve does: named, the option meant suggested, where the usage is, exit code 2.
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { parseCommandArgs } from '../../src/cli/parse-args.js';
import { UsageError } from '../../src/cli/usage-error.js';
import { cli } from '../support/cli.js';

const OPTIONS = { vendor: { type: 'string' }, port: { type: 'string' }, verbose: { type: 'boolean' } } as const;
const refusal = (argv: string[], positionals = 0) => {
  try {
    parseCommandArgs('demo', argv, OPTIONS, positionals);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error(`accepted ${argv.join(' ')}`);
};

describe('parseCommandArgs', () => {
  it('reads options and up to the positionals allowed', () => {
    const { values, positionals } = parseCommandArgs('demo', ['--vendor', 'datadog', 'file.har', '--verbose'], OPTIONS, 1);
    expect([values, positionals]).toEqual([{ vendor: 'datadog', verbose: true }, ['file.har']]);
  });

  it('names an unknown option, suggests the one meant when it is close, and says where the usage is', () => {
    expect(refusal(['--vendr', 'datadog'])).toBe("demo: unknown option --vendr (Did you mean --vendor?) (run 'flowtwin demo --help')");
    expect(refusal(['--prot=1'])).toBe("demo: unknown option --prot (Did you mean --port?) (run 'flowtwin demo --help')");
    expect(refusal(['--colour'])).toBe("demo: unknown option --colour (run 'flowtwin demo --help')");
  });

  it('refuses an argument too many, a negative number and an option without its value', () => {
    expect(refusal(['extra'])).toBe(`demo takes no argument; unexpected "extra" (run 'flowtwin demo --help')`);
    expect(refusal(['a.har', 'b.har', 'c.har'], 1)).toBe(`demo takes one argument; unexpected "b.har c.har" (run 'flowtwin demo --help')`);
    expect(refusal(['--port', '-5'])).toBe(`demo: "-5" is negative; its numbers are 0 or more (run 'flowtwin demo --help')`);
    expect(refusal(['--vendor'])).toBe("demo: --vendor needs a value (run 'flowtwin demo --help')");
  });
});

describe('flowtwin contract | verify-har | proxy | store with a mistake', () => {
  it('exits 2 and says what was wrong, before doing anything', async () => {
    const run = async (args: string[]) => {
      const child = cli(args);
      const [code] = await once(child.child, 'exit');
      return { code: code as number, err: child.output().err.trim() };
    };
    const results = await Promise.all([
      run(['contract', '--vendr', 'datadog']),
      run(['verify-har', 'a.har', 'b.har']),
      run(['proxy', '--upstream', 'https://api.datadoghq.com', '--port', '-1']),
      run(['store', 'chek']),
    ]);
    expect(results).toEqual([
      { code: 2, err: "flowtwin: contract: unknown option --vendr (Did you mean --vendor?) (run 'flowtwin contract --help')" },
      { code: 2, err: `flowtwin: verify-har takes one argument; unexpected "b.har" (run 'flowtwin verify-har --help')` },
      { code: 2, err: `flowtwin: proxy: "-1" is negative; its numbers are 0 or more (run 'flowtwin proxy --help')` },
      { code: 2, err: expect.stringMatching(/^flowtwin: store has no action "chek": the one it has is check\n\nusage: flowtwin store check/) },
    ]);
  });
});
