// `flowtwin serve`: every option is a flag and an environment variable (what CI service containers
// and Kubernetes set); a flag wins over its variable, which wins over the default.
import { Command, Option } from 'commander';
import { DEFAULT_FIXTURES, readJsonFile, serve, type ServeOptions } from '../serve.js';
import { openStore } from '../store/open.js';
import { checkConfig, ConfigError } from '../spec/config.js';
import type { RateLimitRule } from '../http/rate-limits.js';
import { VERSION } from '../version.js';
import { UsageError } from './usage-error.js';
import { readTlsFiles } from '../http/tls.js';
import { createLogger, LOG_FORMATS, LOG_LEVELS, type LogFormat } from '../log/logger.js';
import type { LevelWithSilent } from 'pino';

/** Flag, environment variable, value name and help of each serve option, in the order `--help` lists them. */
export const SERVE_OPTIONS = [
  ['port', 'FLOWTWIN_PORT', '<port>', 'port to listen on; 0 takes a free one', '4010'],
  ['host', 'FLOWTWIN_HOST', '<host>', 'address to listen on; 0.0.0.0 for every interface', '127.0.0.1'],
  [
    'seed',
    'FLOWTWIN_SEED',
    '<fixtures.json>',
    'fixtures to load into a new store, default fixtures/default.json ("none": start empty)',
    undefined,
  ],
  ['store', 'FLOWTWIN_STORE', '<store>', 'memory | sqlite:<path> | redis://host:port/db', 'memory'],
  [
    'config',
    'FLOWTWIN_CONFIG',
    '<config.json>',
    'vendor settings and rate limits (specs/flowtwin-config.schema.json)',
    undefined,
  ],
  [
    'control-token',
    'FLOWTWIN_CONTROL_TOKEN',
    '<token>',
    'required on /__flowtwin calls; "none" for none (default: none on loopback, else generated)',
    undefined,
  ],
  ['body-limit', 'FLOWTWIN_BODY_LIMIT', '<bytes>', 'request body limit: Datadog 413, SecMaster and IAM 400', '1048576'],
  ['max-url-length', 'FLOWTWIN_MAX_URL_LENGTH', '<bytes>', 'path and query limit: 414', '8192'],
  ['max-header-size', 'FLOWTWIN_MAX_HEADER_SIZE', '<bytes>', "request line and headers limit: node's 431", '16384'],
  [
    'max-instances-per-tenant',
    'FLOWTWIN_MAX_INSTANCES_PER_TENANT',
    '<n>',
    'instances one org/project may have since the last reset',
    '100000',
  ],
  [
    'journal-limit',
    'FLOWTWIN_JOURNAL_LIMIT',
    '<n>',
    'requests the journal keeps per tenant; the oldest are dropped',
    '1000',
  ],
  ['step-ms', 'FLOWTWIN_STEP_MS', '<ms>', 'Datadog: virtual duration of a step without its own', undefined],
] as const;

type Values = Omit<
  Partial<
    Record<
      (typeof SERVE_OPTIONS)[number][0] extends infer K ? (K extends string ? CamelCase<K> : never) : never,
      string
    >
  >,
  'seed'
> & {
  seed?: string | false;
  validateResponses?: boolean;
  logLevel?: LevelWithSilent;
  logFormat?: LogFormat;
  cors?: string | true;
  tls?: boolean;
  tlsCert?: string;
  tlsKey?: string;
};
type CamelCase<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<CamelCase<T>>}` : S;

export function serveCommand(): Command {
  const command = new Command('serve').description('serve the fake vendor APIs and the control plane (/__flowtwin)');
  for (const [flag, env, value, help, fallback] of SERVE_OPTIONS) {
    const option = new Option(`--${flag} ${value}`, help).env(env);
    command.addOption(fallback === undefined ? option : option.default(fallback));
  }
  command.addOption(
    new Option('--log-level <level>', 'requests are info, control calls debug')
      .choices(LOG_LEVELS)
      .default('info')
      .env('FLOWTWIN_LOG_LEVEL'),
  );
  command.addOption(
    new Option('--log-format <format>', 'log lines on stderr (default: pretty on a terminal, else json)')
      .choices(LOG_FORMATS)
      .env('FLOWTWIN_LOG_FORMAT'),
  );
  command.addOption(
    new Option(
      '--cors [origins]',
      'answer browsers on the vendor APIs from any origin, or from a comma-separated list',
    ).env('FLOWTWIN_CORS'),
  );
  // Its variable is read by envFlag: commander would take FLOWTWIN_TLS=0 as on.
  command.addOption(
    new Option(
      '--tls',
      'serve https: with --tls-cert and --tls-key, or a certificate made up for localhost (FLOWTWIN_TLS=1)',
    ),
  );
  command.addOption(new Option('--tls-cert <cert.pem>', 'the certificate (PEM) for --tls').env('FLOWTWIN_TLS_CERT'));
  command.addOption(new Option('--tls-key <key.pem>', 'its private key (PEM)').env('FLOWTWIN_TLS_KEY'));
  command.addOption(new Option('--no-seed', 'start with an empty store (same as --seed none)'));
  command.addOption(
    new Option(
      '--validate-responses',
      "log every answer that breaks the vendor's spec (FLOWTWIN_VALIDATE_RESPONSES=1)",
    ),
  );
  command.action(async (values: Values, cmd: Command) => {
    process.exitCode = await runServe(values, cmd);
  });
  return command;
}

async function runServe(values: Values, cmd: Command): Promise<number> {
  /** The flag as the user gave it: `--port`, or `FLOWTWIN_PORT` when it came from the environment. */
  const named = (key: string, flag: string) =>
    cmd.getOptionValueSource(key) === 'env' ? `FLOWTWIN_${flag.toUpperCase().replace(/-/g, '_')}` : `--${flag}`;
  const int = (key: keyof Values, flag: string, min: number, max: number): number | undefined => {
    const raw = values[key] as string | undefined;
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max)
      throw new UsageError(`${named(key, flag)} must be an integer from ${min} to ${max}, got "${raw}"`);
    return n;
  };
  const log = createLogger({
    level: values.logLevel ?? 'info',
    ...(values.logFormat ? { format: values.logFormat } : {}),
  });
  const port = int('port', 'port', 0, 65535)!;
  const host = values.host!;
  // Checked here, before the store is opened or a port taken: a bad file stops the start with the key's path.
  const config = values.config ? configFile(values.config) : {};
  const seed = values.seed === false || values.seed === 'none' ? undefined : (values.seed ?? DEFAULT_FIXTURES);
  const fixtures = seed === undefined ? undefined : readJsonFile(seed, 'fixtures file');
  const stepMs = int('stepMs', 'step-ms', 0, 86_400_000);
  const { rateLimits, ...vendors } = config as { datadog?: Record<string, unknown>; rateLimits?: RateLimitRule[] };
  // A blank variable counts as unset (compose's `FLOWTWIN_CONTROL_TOKEN=`): off loopback a token is still made up.
  const controlToken = controlTokenOption(
    cmd.getOptionValueSource('controlToken') === 'env' ? values.controlToken || undefined : values.controlToken,
  );
  const validate = values.validateResponses === true || envFlag('FLOWTWIN_VALIDATE_RESPONSES');
  const optional = <K extends keyof ServeOptions>(key: K, value: ServeOptions[K] | undefined) =>
    value === undefined ? {} : { [key]: value };
  const options: ServeOptions = {
    port,
    host,
    ...(fixtures ? { fixtures } : {}),
    ...(rateLimits ? { rateLimits } : {}),
    ...(controlToken !== undefined ? { controlToken } : {}),
    ...optional('bodyLimitBytes', int('bodyLimit', 'body-limit', 1, 1 << 30)),
    // The URL is part of the head: a limit above --max-header-size would be cut by node's 431 first.
    ...optional('maxUrlLength', int('maxUrlLength', 'max-url-length', 64, 1 << 20)),
    ...optional('maxHeaderSize', int('maxHeaderSize', 'max-header-size', 1024, 1 << 20)),
    ...optional('maxInstancesPerTenant', int('maxInstancesPerTenant', 'max-instances-per-tenant', 1, 1e9)),
    ...optional('journalLimit', int('journalLimit', 'journal-limit', 1, 1_000_000)),
    // Only when something was configured: createFlowtwin checks vendor settings,
    // and loading the checker costs a start time.
    ...(values.config || stepMs !== undefined
      ? {
          vendors: {
            ...vendors,
            ...(stepMs !== undefined ? { datadog: { ...vendors.datadog, defaultStepMs: stepMs } } : {}),
          },
        }
      : {}),
    ...tlsOption(values),
    ...(values.cors !== undefined ? { cors: corsOption(values.cors, named('cors', 'cors')) } : {}),
    ...(validate
      ? {
          onResponseViolation: (v) =>
            log.warn({ method: v.method, path: v.path }, `spec violation: ${v.method} ${v.path}: ${v.message}`),
        }
      : {}),
  };
  // Opened last, and closed on a failed start: an open Redis connection would keep the process alive.
  const store = await openStore(values.store!);
  const { kind, location, fresh } = store.info;
  log.info({ store: { kind, location, fresh } }, `store connected: ${kind} ${location}`);
  store.onConnection?.((change) =>
    change.state === 'lost'
      ? log.error(
          { store: { kind, location }, cause: change.cause },
          `store connection lost: ${change.cause ?? 'closed'}; requests answer 503 until it is back`,
        )
      : log.info({ store: { kind, location } }, 'store connection recovered'),
  );
  const running = await serve({ ...options, store, logger: log }).catch(async (err: unknown) => {
    await store.close();
    throw err;
  });
  log.info({ url: running.url, version: VERSION }, `flowtwin ${VERSION} listening on ${running.url}`);
  console.log(`flowtwin ${VERSION} listening on ${running.url}`);
  // 0.0.0.0 (or ::) is where it listens, not an address a browser can open.
  if (host === '0.0.0.0' || host === '::')
    console.log(`open http://localhost:${new URL(running.url).port}/__flowtwin/ui on this machine`);
  console.log(`store: ${kind} ${location}${fresh ? '' : ' (existing data kept, fixtures not loaded)'}`);
  if (running.tls?.generated)
    console.log(
      `tls: a self-signed certificate for localhost, written to ${running.tls.certFile} ` +
        `(trust it: NODE_EXTRA_CA_CERTS=${running.tls.certFile})`,
    );
  // Shown once, here: the only place a generated token can be read.
  if (running.controlTokenGenerated)
    console.log(`control token: ${running.controlToken} (set --control-token to choose it)`);
  if (controlToken === false)
    console.error(
      `warning: the control plane (${running.url}/__flowtwin) ` +
        `is open to anyone who can reach ${host} (--control-token none)`,
    );
  await new Promise<void>((resolve) => {
    const shutdown = (signal: NodeJS.Signals) => {
      log.info({ signal }, `${signal}: shutting down (in-flight requests finish, then the store closes)`);
      void running.stop().then(resolve);
    };
    process.once('SIGTERM', shutdown);
    process.once('SIGINT', shutdown);
  });
  log.info('stopped');
  return 0;
}

/** A boolean variable: 1/true/yes or 0/false/no (or empty); anything else is refused, not read as true. */
function envFlag(name: string): boolean {
  const raw = process.env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '' || ['0', 'false', 'no'].includes(raw)) return false;
  if (['1', 'true', 'yes'].includes(raw)) return true;
  throw new UsageError(`${name} must be 1, true, yes, 0, false or no, got "${process.env[name]}"`);
}

/** --tls with both files, or alone for a generated certificate; a file without --tls is a mistake. */
function tlsOption(values: Values): Pick<ServeOptions, 'tls'> {
  const files = values.tlsCert !== undefined || values.tlsKey !== undefined;
  if (values.tls !== true && !envFlag('FLOWTWIN_TLS')) {
    if (files) throw new UsageError('--tls-cert and --tls-key take effect with --tls (FLOWTWIN_TLS=1)');
    return {};
  }
  if (!files) return { tls: 'self-signed' };
  if (values.tlsCert === undefined || values.tlsKey === undefined)
    throw new UsageError('--tls needs both --tls-cert and --tls-key, or neither (a generated certificate)');
  return { tls: readTlsFiles(values.tlsCert, values.tlsKey) };
}

/** `--cors` alone (or `*`): any origin; else each listed origin, checked to be one. */
function corsOption(raw: string | true, name: string): true | string[] {
  if (raw === true || raw.trim() === '*') return true;
  const origins = raw.split(',').map((o) => o.trim());
  const bad = origins.find((o) => !/^https?:\/\/[^/\s]+$/.test(o));
  if (bad !== undefined)
    throw new UsageError(
      `${name} takes origins such as http://localhost:5173 (scheme, host, port; no path), got "${bad}"`,
    );
  return origins;
}

/** "none" opts out of protection; an empty --control-token is a mistake, not a choice. */
function controlTokenOption(raw: string | undefined): string | false | undefined {
  if (raw === undefined) return undefined;
  if (raw === 'none') return false;
  if (raw.trim() === '')
    throw new UsageError('--control-token must not be empty; "none" leaves the control plane open');
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
