// Control-plane verbs for people at a terminal: the same calls a test makes, over HTTP.
import { parseArgs } from 'node:util';

export const CONTROL_USAGE = `flowtwin clock [show | freeze | resume | advance <ms> | speed <factor>] [--url <flowtwin URL>]
  flowtwin fault [list | add '<json>' | rm <id>] [--url]     flowtwin scenario [list | add '<json>' | rm <id>] [--url]
  flowtwin reset [--no-seed] [--url]                          flowtwin events [--vendor <v>] [--instance <id>] [--url]
    each takes --control-token <token> (default $FLOWTWIN_CONTROL_TOKEN) for a flowtwin that has one`;

export class ControlUsageError extends Error {}

type Out = (line: string) => void;

interface Target {
  url: string;
  /** Sent as X-Flowtwin-Control-Token when set. */
  token: string | undefined;
}

const tokenHeader = (token: string | undefined): Record<string, string> => (token ? { 'x-flowtwin-control-token': token } : {});

async function call({ url, token }: Target, method: string, path: string, body: unknown, out: Out): Promise<number> {
  const res = await fetch(`${url}/__flowtwin${path}`, {
    method,
    headers: { ...tokenHeader(token), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) {
    const detail = text ? ((JSON.parse(text) as { detail?: string }).detail ?? text) : res.statusText;
    throw new Error(`${res.status}: ${detail}${res.status === 401 ? ' (pass --control-token or set FLOWTWIN_CONTROL_TOKEN)' : ''}`);
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

/** Runs one control verb; returns the exit code. `events` runs until interrupted. */
export async function controlCommand(argv: string[], out: Out = console.log): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:4010' },
      'control-token': { type: 'string' },
      vendor: { type: 'string' },
      instance: { type: 'string' },
      'no-seed': { type: 'boolean', default: false },
    },
  });
  const url: Target = { url: values.url.replace(/\/$/, ''), token: values['control-token'] ?? (process.env.FLOWTWIN_CONTROL_TOKEN || undefined) };
  const [verb, action = verb === 'clock' ? 'show' : 'list', arg] = positionals;
  switch (verb) {
    case 'clock': {
      if (action === 'show') return call(url, 'GET', '/clock', undefined, out);
      if (action === 'freeze' || action === 'resume') return call(url, 'POST', `/clock/${action}`, undefined, out);
      if (action === 'advance') return call(url, 'POST', '/clock/advance', { ms: Number(arg) }, out);
      if (action === 'speed') return call(url, 'POST', '/clock/speed', { speed: Number(arg) }, out);
      break;
    }
    case 'fault':
    case 'scenario': {
      const path = verb === 'fault' ? '/faults' : '/scenarios';
      if (action === 'list') return call(url, 'GET', path, undefined, out);
      if (action === 'add') return call(url, 'POST', path, json(arg, `${verb} add`), out);
      if (action === 'rm' && arg) return call(url, 'DELETE', `${path}/${encodeURIComponent(arg)}`, undefined, out);
      break;
    }
    case 'reset':
      return call(url, 'POST', '/reset', { seed: !values['no-seed'] }, out);
    case 'events':
      return tailEvents(url, values.vendor, values.instance, out);
  }
  throw new ControlUsageError(`unknown control command "${positionals.join(' ')}"\n\n${CONTROL_USAGE}`);
}

async function tailEvents({ url, token }: Target, vendor: string | undefined, instance: string | undefined, out: Out): Promise<number> {
  const query = new URLSearchParams({ ...(vendor ? { vendor } : {}), ...(instance ? { instance } : {}) });
  const res = await fetch(`${url}/__flowtwin/events?${query}`, { headers: tokenHeader(token) });
  if (!res.ok || !res.body)
    throw new Error(`${res.status}: cannot open the event stream${res.status === 401 ? ' (pass --control-token or set FLOWTWIN_CONTROL_TOKEN)' : ''}`);
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    const blocks = buffer.split('\n\n');
    buffer = blocks.pop()!;
    for (const block of blocks) {
      const data = block.split('\n').find((l) => l.startsWith('data: '));
      if (!data) continue;
      const e = JSON.parse(data.slice(6)) as { at: string; vendor: string; instanceId: string; from: string | null; to: string; cause: string };
      out(`${e.at} ${e.vendor} ${e.instanceId} ${e.from ?? '-'} -> ${e.to} (${e.cause})`);
    }
  }
  return 0;
}
