#!/usr/bin/env node
// flowtwin's command line: serve, contract, verify-har, proxy and the control verbs.
import { parseArgs } from 'node:util';
import { CONTROL_USAGE, ControlUsageError, controlCommand } from './admin/cli.js';
import { DEFAULT_FIXTURES, readJsonFile, serve, type ServeOptions } from './serve.js';
import { openStore } from './store/open.js';
import { checkConfig, ConfigError } from './spec/config.js';
import type { RateLimitRule } from './http/rate-limits.js';
import { VERSION } from './version.js';

// The contract suite and the proxy are loaded only for their own commands: importing them took a
// third of `serve`'s start-up.
const contract = () => import('./contract/cli.js');
const proxy = () => import('./proxy/cli.js');
const storeCheck = () => import('./store-check.js');

async function usage(): Promise<string> {
  const [{ CONTRACT_USAGE, VERIFY_HAR_USAGE }, { PROXY_USAGE }, { STORE_CHECK_USAGE }] = await Promise.all([contract(), proxy(), storeCheck()]);
  return `flowtwin ${VERSION}: a stateful fake of vendor workflow-automation APIs

Usage:
  flowtwin serve [--port 4010] [--host 127.0.0.1] [--seed <fixtures.json> | --no-seed]
                 [--store memory | sqlite:<path> | redis://host:port/db]
                 [--config <config.json>] [--body-limit <bytes>] [--step-ms <ms>] [--validate-responses]
                 [--control-token <token> | none] [--max-url-length <bytes>] [--max-header-size <bytes>]
                 [--max-instances-per-tenant <n>] [--journal-limit <n>]
    --control-token  every /__flowtwin call but GET /__flowtwin/health must then carry it, as the
                     X-Flowtwin-Control-Token header (or the dashboard's cookie: open /__flowtwin/ui?token=<token>).
                     Default: $FLOWTWIN_CONTROL_TOKEN; else none on a loopback --host, and on any other host a
                     generated token, printed at start. "none": no token wherever flowtwin listens (a warning).
    Limits (each refusal in the shape of whoever would refuse: the vendor's gateway, or problem+json):
    --body-limit                request body, default 1048576: Datadog 413, SecMaster and IAM 400
    --max-url-length            path and query, default 8192: 414 (Datadog string error, SecMaster APIGW.0201)
    --max-header-size           request line and headers, default 16384: node's bare 431, connection closed
    --max-instances-per-tenant  instances one org/project may have since the last reset, default 100000:
                                Datadog execute 400 INSTANCE_LIMIT_EXCEEDED, SecMaster trigger 400
    --journal-limit             requests the journal keeps, default 1000: the oldest are dropped
  ${CONTRACT_USAGE.replace(/\n/g, '\n  ')}
  ${VERIFY_HAR_USAGE}
  ${PROXY_USAGE.replace(/\n/g, '\n  ')}
  ${CONTROL_USAGE}
  ${STORE_CHECK_USAGE}
  flowtwin --version | --help
`;
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'contract') return (await contract()).contractCommand(argv.slice(1));
  if (argv[0] === 'verify-har') return (await contract()).verifyHarCommand(argv.slice(1));
  if (argv[0] === 'proxy') return (await proxy()).proxyCommand(argv.slice(1));
  if (argv[0] === 'store') return (await storeCheck()).storeCheckCommand(argv.slice(1));
  if (['clock', 'fault', 'scenario', 'reset', 'events'].includes(argv[0] ?? '')) return controlCommand(argv);
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string', default: '4010' },
      host: { type: 'string', default: '127.0.0.1' },
      seed: { type: 'string' },
      'no-seed': { type: 'boolean', default: false },
      store: { type: 'string', default: 'memory' },
      config: { type: 'string' },
      'body-limit': { type: 'string' },
      'step-ms': { type: 'string' },
      'validate-responses': { type: 'boolean', default: false },
      'control-token': { type: 'string' },
      'max-url-length': { type: 'string' },
      'max-header-size': { type: 'string' },
      'max-instances-per-tenant': { type: 'string' },
      'journal-limit': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
      version: { type: 'boolean', short: 'v', default: false },
    },
  });
  if (values.version) return print(VERSION);
  const command = positionals[0];
  if (values.help || !command) return print(await usage(), command || values.help ? 0 : 2);
  if (command !== 'serve') return fail(`unknown command "${command}"\n\n${await usage()}`);

  const port = integer(values.port, '--port', 0, 65535);
  // Checked here, before the store is opened or a port taken: a bad file stops the start with the key's path.
  const config = values.config ? configFile(values.config) : {};
  const fixtures = values['no-seed'] ? undefined : readJsonFile(values.seed ?? DEFAULT_FIXTURES, 'fixtures file');
  const stepMs = values['step-ms'] === undefined ? undefined : integer(values['step-ms'], '--step-ms', 0, 86_400_000);
  const { rateLimits, ...vendors } = config as { datadog?: Record<string, unknown>; rateLimits?: RateLimitRule[] };
  // A blank variable counts as unset (compose's `FLOWTWIN_CONTROL_TOKEN=`): off loopback a token is still made up.
  const controlToken = controlTokenOption(values['control-token'] ?? (process.env.FLOWTWIN_CONTROL_TOKEN || undefined));
  const options: ServeOptions = {
    port,
    host: values.host,
    ...(fixtures ? { fixtures } : {}),
    ...(rateLimits ? { rateLimits } : {}),
    ...(controlToken !== undefined ? { controlToken } : {}),
    ...(values['body-limit'] ? { bodyLimitBytes: integer(values['body-limit'], '--body-limit', 1, 1 << 30) } : {}),
    // The URL is part of the head: a limit above --max-header-size would be cut by node's 431 first.
    ...(values['max-url-length'] ? { maxUrlLength: integer(values['max-url-length'], '--max-url-length', 64, 1 << 20) } : {}),
    ...(values['max-header-size'] ? { maxHeaderSize: integer(values['max-header-size'], '--max-header-size', 1024, 1 << 20) } : {}),
    ...(values['max-instances-per-tenant'] ? { maxInstancesPerTenant: integer(values['max-instances-per-tenant'], '--max-instances-per-tenant', 1, 1e9) } : {}),
    ...(values['journal-limit'] ? { journalLimit: integer(values['journal-limit'], '--journal-limit', 1, 1_000_000) } : {}),
    // Only when something was configured: createFlowtwin checks vendor settings, and loading the checker costs a start time.
    ...(values.config || stepMs !== undefined
      ? { vendors: { ...vendors, ...(stepMs !== undefined ? { datadog: { ...vendors.datadog, defaultStepMs: stepMs } } : {}) } }
      : {}),
    ...(values['validate-responses'] ? { onResponseViolation: (v) => console.error(`spec violation: ${v.method} ${v.path}: ${v.message}`) } : {}),
  };
  // Opened last, and closed on a failed start: an open Redis connection would keep the process alive.
  const store = await openStore(values.store);
  const running = await serve({ ...options, store }).catch(async (err: unknown) => {
    await store.close();
    throw err;
  });
  const { kind, location, fresh } = store.info;
  console.log(`flowtwin ${VERSION} listening on ${running.url}`);
  console.log(`store: ${kind} ${location}${fresh ? '' : ' (existing data kept, fixtures not loaded)'}`);
  // Shown once, here: the only place a generated token can be read.
  if (running.controlTokenGenerated) console.log(`control token: ${running.controlToken} (set --control-token to choose it)`);
  if (controlToken === false)
    console.error(`warning: the control plane (${running.url}/__flowtwin) is open to anyone who can reach ${values.host} (--control-token none)`);
  await new Promise<void>((resolve) => {
    const shutdown = () => void running.stop().then(resolve);
    process.once('SIGTERM', shutdown);
    process.once('SIGINT', shutdown);
  });
  return 0;
}

/** "none" opts out of protection; an empty --control-token is a mistake, not a choice. */
function controlTokenOption(raw: string | undefined): string | false | undefined {
  if (raw === undefined) return undefined;
  if (raw === 'none') return false;
  if (raw.trim() === '') throw new UsageError('--control-token must not be empty; "none" leaves the control plane open');
  return raw;
}

/** A config file that breaks its schema is a usage error (exit 2), as a flag out of range is. */
function configFile(path: string): Record<string, unknown> {
  const doc = readJsonFile(path, 'config file');
  try {
    return checkConfig(doc);
  } catch (err) {
    throw err instanceof ConfigError ? new UsageError(err.message) : err;
  }
}

function integer(raw: string, flag: string, min: number, max: number): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got "${raw}"`);
  return n;
}

class UsageError extends Error {}

function print(text: string, code = 0): number {
  console.log(text.trimEnd());
  return code;
}

function fail(message: string): number {
  console.error(`flowtwin: ${message.trimEnd()}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  async (err: unknown) => {
    const [{ ContractUsageError }, { ProxyUsageError }, { StoreCheckUsageError }] = await Promise.all([contract(), proxy(), storeCheck()]);
    const usage =
      err instanceof UsageError ||
      err instanceof ContractUsageError ||
      err instanceof ProxyUsageError ||
      err instanceof StoreCheckUsageError ||
      err instanceof ControlUsageError ||
      (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.exitCode = fail((err as Error).message) && (usage ? 2 : 1);
  },
);
