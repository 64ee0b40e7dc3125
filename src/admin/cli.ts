// Control-plane verbs for people at a terminal: the same calls a test makes, over HTTP.
import { parseArgs } from 'node:util';

export const CONTROL_USAGE =
  'flowtwin clock [show | freeze | resume | advance <duration> | speed <factor>] [--url <flowtwin URL>]\n' +
  "  flowtwin fault [list | add '<json>' | rm <id>] [--url]     " +
  "flowtwin scenario [list | add '<json>' | rm <id>] [--url]\n" +
  "  flowtwin override [list | add '<json>' | rm <id>] [--url]  " +
  'flowtwin reset [--no-seed] [--url]\n' +
  '  flowtwin events [--vendor <v>] [--instance <id>] [--url]\n' +
  '    <duration>: milliseconds, or a number with ms, s, m, h or d (90s, 5m, 1.5h)\n' +
  '    --url defaults to $FLOWTWIN_URL, else http://127.0.0.1:4010\n' +
  '    each takes --control-token <token> (default $FLOWTWIN_CONTROL_TOKEN) for a flowtwin that has one';

export class ControlUsageError extends Error {}

type Out = (line: string) => void;

interface Target {
  url: string;
  /** Sent as X-Flowtwin-Control-Token when set. */
  token: string | undefined;
}

const tokenHeader = (token: string | undefined): Record<string, string> =>
  token ? { 'x-flowtwin-control-token': token } : {};

/** fetch, with a refused or unresolvable address said as such rather than undici's "fetch failed". */
async function reach(url: string, target: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (err as Error).message;
    throw new Error(`cannot reach flowtwin at ${target}: ${why} (is it running? --url or FLOWTWIN_URL says where)`, {
      cause: err,
    });
  }
}

async function call({ url, token }: Target, method: string, path: string, body: unknown, out: Out): Promise<number> {
  const res = await reach(`${url}/__flowtwin${path}`, url, {
    method,
    headers: { ...tokenHeader(token), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) {
    const detail = text ? ((JSON.parse(text) as { detail?: string }).detail ?? text) : res.statusText;
    throw new Error(
      `${res.status}: ${detail}${res.status === 401 ? ' (pass --control-token or set FLOWTWIN_CONTROL_TOKEN)' : ''}`,
    );
  }
  if (text) out(JSON.stringify(JSON.parse(text), null, 2));
  return 0;
}

function json(raw: string | undefined, what: string): unknown {
  if (raw === undefined) throw new ControlUsageError(`${what} needs a JSON object, e.g. '{"status": 429, "times": 2}'`);
  try {
    return JSON.parse(raw);
  } catch {
    throw new ControlUsageError(`${what}: not valid JSON: ${raw}`);
  }
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `5m`, `1.5h`, or a number of milliseconds; the server checks the upper bound. */
export function parseDuration(raw: string | undefined): number {
  const match = raw === undefined ? null : /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(raw.trim());
  const ms = match ? Number(match[1]) * UNIT_MS[match[2] ?? 'ms']! : NaN;
  if (!Number.isSafeInteger(ms))
    throw new ControlUsageError(
      `clock advance needs a duration of 0 or more (250, 90s, 5m, 1.5h, 2d), got "${raw ?? ''}"`,
    );
  return ms;
}

function speed(raw: string | undefined): number {
  const factor = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
  if (!(factor > 0) || !Number.isFinite(factor))
    throw new ControlUsageError(`clock speed needs a factor greater than 0 (0.5, 1, 60), got "${raw ?? ''}"`);
  return factor;
}

/** What each verb's actions take after them: more than that is a mistake, not something to ignore. */
const ARITY: Record<string, Record<string, number>> = {
  clock: { show: 0, freeze: 0, resume: 0, advance: 1, speed: 1 },
  fault: { list: 0, add: 1, rm: 1 },
  scenario: { list: 0, add: 1, rm: 1 },
  override: { list: 0, add: 1, rm: 1 },
};

function parse(argv: string[]) {
  // A negative number would read as an option ("-5m"): named for what it is instead.
  const negative = argv.find((a) => /^-\d/.test(a));
  if (negative)
    throw new ControlUsageError(`${argv[0]}: "${negative}" is negative; durations and factors are 0 or more`);
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        url: { type: 'string', default: process.env.FLOWTWIN_URL || 'http://127.0.0.1:4010' },
        'control-token': { type: 'string' },
        vendor: { type: 'string' },
        instance: { type: 'string' },
        'no-seed': { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    throw new ControlUsageError(`${(err as Error).message.split('. ')[0]} (run 'flowtwin ${argv[0]} --help')`);
  }
}

/** Runs one control verb; returns the exit code. `events` runs until interrupted. */
export async function controlCommand(argv: string[], out: Out = console.log): Promise<number> {
  const { values, positionals } = parse(argv);
  const base = values.url.replace(/\/$/, '');
  if (!/^https?:\/\/[^/]/.test(base))
    throw new ControlUsageError(
      `--url must be a flowtwin's http(s) address, e.g. http://127.0.0.1:4010, got "${values.url}"`,
    );
  const url: Target = {
    url: base,
    token: values['control-token'] ?? (process.env.FLOWTWIN_CONTROL_TOKEN || undefined),
  };
  const [verb, action = verb === 'clock' ? 'show' : 'list', arg] = positionals;
  const arity = ARITY[verb ?? '']?.[action];
  if (arity !== undefined && positionals.length > 2 + arity)
    throw new ControlUsageError(
      `${verb} ${action} takes ${arity === 0 ? 'no argument' : 'one argument'}; ` +
        `unexpected "${positionals.slice(2 + arity).join(' ')}"`,
    );
  if ((verb === 'reset' || verb === 'events') && positionals.length > 1)
    throw new ControlUsageError(`${verb} takes no argument; unexpected "${positionals.slice(1).join(' ')}"`);
  switch (verb) {
    case 'clock': {
      if (action === 'show') return call(url, 'GET', '/clock', undefined, out);
      if (action === 'freeze' || action === 'resume') return call(url, 'POST', `/clock/${action}`, undefined, out);
      if (action === 'advance') return call(url, 'POST', '/clock/advance', { ms: parseDuration(arg) }, out);
      if (action === 'speed') return call(url, 'POST', '/clock/speed', { speed: speed(arg) }, out);
      break;
    }
    case 'fault':
    case 'scenario':
    case 'override': {
      const path = `/${verb}s`;
      if (action === 'list') return call(url, 'GET', path, undefined, out);
      if (action === 'add') return call(url, 'POST', path, json(arg, `${verb} add`), out);
      if (action === 'rm') {
        if (!arg) throw new ControlUsageError(`${verb} rm needs the id to remove ('flowtwin ${verb} list' shows them)`);
        await call(url, 'DELETE', `${path}/${encodeURIComponent(arg)}`, undefined, out);
        out(`removed ${verb} ${arg}`);
        return 0;
      }
      break;
    }
    case 'reset':
      return call(url, 'POST', '/reset', { seed: !values['no-seed'] }, out);
    case 'events':
      return tailEvents(url, values.vendor, values.instance, out);
  }
  throw new ControlUsageError(`unknown control command "${positionals.join(' ')}"\n\n${CONTROL_USAGE}`);
}

async function tailEvents(
  { url, token }: Target,
  vendor: string | undefined,
  instance: string | undefined,
  out: Out,
): Promise<number> {
  const query = new URLSearchParams({ ...(vendor ? { vendor } : {}), ...(instance ? { instance } : {}) });
  const res = await reach(`${url}/__flowtwin/events?${query}`, url, { headers: tokenHeader(token) });
  if (!res.ok || !res.body)
    throw new Error(
      `${res.status}: cannot open the event stream` +
        `${res.status === 401 ? ' (pass --control-token or set FLOWTWIN_CONTROL_TOKEN)' : ''}`,
    );
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    const blocks = buffer.split('\n\n');
    buffer = blocks.pop()!;
    for (const block of blocks) {
      const data = block.split('\n').find((l) => l.startsWith('data: '));
      if (!data) continue;
      const e = JSON.parse(data.slice(6)) as {
        at: string;
        vendor: string;
        instanceId: string;
        from: string | null;
        to: string;
        cause: string;
      };
      out(`${e.at} ${e.vendor} ${e.instanceId} ${e.from ?? '-'} -> ${e.to} (${e.cause})`);
    }
  }
  return 0;
}
