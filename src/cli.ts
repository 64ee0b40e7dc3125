#!/usr/bin/env node
// flowtwin's command line: serve, contract, verify-har, proxy, store and the control verbs, parsed
// by commander (maintained, no dependencies of its own, and what Prism's and Mockoon's users know:
// per-command --help, suggestions for misspelt options, environment variables per option).
import { Command, CommanderError } from 'commander';
import { CONTROL_USAGE, ControlUsageError, controlCommand } from './admin/cli.js';
import { serveCommand } from './cli/serve-command.js';
import { UsageError } from './cli/usage-error.js';
import { VERSION } from './version.js';

// The contract suite and the proxy are loaded only for their own commands: importing them took a
// third of `serve`'s start-up.
const contract = () => import('./contract/cli.js');
const proxy = () => import('./proxy/cli.js');
const storeCheck = () => import('./store-check.js');

/** Commands that still read their own arguments: their usage text, and what runs them. */
const DELEGATED: Record<
  string,
  { summary: string; usage: () => Promise<string>; run: (argv: string[]) => Promise<number> }
> = {
  contract: {
    summary: 'check a vendor (or a flowtwin) against the specs',
    usage: async () => (await contract()).CONTRACT_USAGE,
    run: async (argv) => (await contract()).contractCommand(argv),
  },
  'verify-har': {
    summary: 'check recorded traffic (HAR) against the specs, offline',
    usage: async () => (await contract()).VERIFY_HAR_USAGE,
    run: async (argv) => (await contract()).verifyHarCommand(argv),
  },
  proxy: {
    summary: 'forward to a real vendor and report each answer that breaks its spec; --record keeps it',
    usage: async () => (await proxy()).PROXY_USAGE,
    run: async (argv) => (await proxy()).proxyCommand(argv),
  },
  store: {
    summary: 'store check: recompute indexes from records, report or --repair differences',
    usage: async () => (await storeCheck()).STORE_CHECK_USAGE,
    run: async (argv) => (await storeCheck()).storeCheckCommand(argv),
  },
  ...Object.fromEntries(
    (
      [
        ['clock', "show or move a running flowtwin's virtual clock"],
        ['fault', 'list, add or remove injected faults'],
        ['scenario', 'list, add or remove scripted scenarios'],
        ['override', 'list, add or remove response overrides (answer a request with exactly this)'],
        ['reset', 'empty the store and reload the fixtures'],
        ['events', 'stream instance transitions'],
      ] as const
    ).map(([name, summary]) => [
      name,
      { summary, usage: async () => CONTROL_USAGE, run: (argv: string[]) => controlCommand([name, ...argv]) },
    ]),
  ),
};

function program(): Command {
  const root = new Command('flowtwin')
    .description('a stateful fake of vendor workflow-automation APIs (Datadog Workflow Automation, Huawei SecMaster)')
    .version(VERSION, '-v, --version')
    .helpCommand(false)
    .showSuggestionAfterError(true)
    .exitOverride();
  const serve = serveCommand().exitOverride().showHelpAfterError("(run 'flowtwin serve --help' for every option)");
  root.addCommand(serve);
  for (const [name, { summary, usage, run }] of Object.entries(DELEGATED)) {
    root
      .command(name)
      .description(summary)
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .argument('[args...]')
      .action(async (args: string[]) => {
        process.exitCode = args.includes('--help') || args.includes('-h') ? print(await usage()) : await run(args);
      });
  }
  root
    .command('help')
    .description('show help for a command')
    .argument('[command]')
    .action(async (name?: string) => {
      if (name === undefined) return void print(root.helpInformation());
      if (name === 'serve') return void print(serve.helpInformation());
      const delegated = DELEGATED[name];
      if (!delegated) throw new UsageError(`unknown command "${name}"; run 'flowtwin help' for the list`);
      print(await delegated.usage());
    });
  root
    .command('version')
    .description('print the version')
    .action(() => void print(VERSION));
  return root;
}

function print(text: string): number {
  console.log(text.trimEnd());
  return 0;
}

async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv, { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    // Help and version asked for: printed already, success. A missing command prints the help and is a usage error.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
    return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  async (err: unknown) => {
    const [{ ContractUsageError }, { ProxyUsageError }, { StoreCheckUsageError }] = await Promise.all([
      contract(),
      proxy(),
      storeCheck(),
    ]);
    const usage =
      err instanceof UsageError ||
      err instanceof ContractUsageError ||
      err instanceof ProxyUsageError ||
      err instanceof StoreCheckUsageError ||
      err instanceof ControlUsageError ||
      (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    console.error(`flowtwin: ${(err as Error).message.trimEnd()}`);
    process.exitCode = usage ? 2 : 1;
  },
);
