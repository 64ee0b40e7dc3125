// What the recorded files must never hold: credentials in headers, cookies, secret-looking query
// parameters and JSON keys (the journal's rule), and any credential value seen in a header wherever
// else it turns up (an error body that echoes the key, a URL).
import { isSecretKey, maskSecrets } from '../http/journal.js';

export const MASK = '***';

const SECRET_HEADERS = new Set([
  'dd-api-key',
  'dd-application-key',
  'authorization',
  'proxy-authorization',
  'x-auth-token',
  'x-subject-token',
  'x-security-token',
  'cookie',
  'set-cookie',
]);
/** Query parameters Datadog takes keys in, whose names the journal's rule does not catch. */
const SECRET_PARAMS = new Set(['application_key', 'dd-application-key', 'dd-api-key']);
/** Shorter values are not looked for elsewhere: replacing "1" in every text would mangle it, and keys are long. */
const MIN_SCRUBBED_LENGTH = 6;

export const isSecretHeader = (name: string): boolean =>
  SECRET_HEADERS.has(name.toLowerCase()) || isSecretKey(name.replace(/-/g, '_'));

export const isSecretParam = (name: string): boolean => SECRET_PARAMS.has(name.toLowerCase()) || isSecretKey(name);

/** Values of the credential headers, and each cookie's value, to be scrubbed from everything recorded. */
export function secretValues(headers: { name: string; value: string }[]): string[] {
  const out = new Set<string>();
  for (const { name, value } of headers) {
    if (!isSecretHeader(name)) continue;
    out.add(value.trim());
    const lower = name.toLowerCase();
    if (lower === 'cookie' || lower === 'set-cookie') {
      for (const part of value.split(';')) {
        const eq = part.indexOf('=');
        if (eq > 0) out.add(part.slice(eq + 1).trim());
      }
    }
    // "Bearer <token>": the token alone may be echoed.
    const scheme = /^\S+\s+(\S+)$/.exec(value.trim());
    if (scheme) out.add(scheme[1]!);
  }
  return [...out].filter((v) => v.length >= MIN_SCRUBBED_LENGTH).sort((a, b) => b.length - a.length);
}

export function scrub(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join(MASK);
  return out;
}

/** A copy of a JSON value with secret keys masked (the journal's maskSecrets) and known secret values scrubbed. */
export function maskValue(value: unknown, secrets: string[]): unknown {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return scrub(v, secrets);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [scrub(k, secrets), walk(x)]));
    return v;
  };
  return walk(maskSecrets(value));
}

/**
 * A body as it may be recorded. JSON is masked by key, and re-serialized only when that changed
 * something, so an untouched body keeps its bytes; a form has its secret fields masked.
 */
export function maskBody(text: string, mimeType: string, secrets: string[]): string {
  const type = mimeType.split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') {
    const form = new URLSearchParams(text);
    if ([...form.keys()].some(isSecretParam)) return scrub(maskQuery(form).toString(), secrets);
    return scrub(text, secrets);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return scrub(text, secrets);
  }
  const masked = maskValue(parsed, secrets);
  return JSON.stringify(masked) === JSON.stringify(parsed) ? text : JSON.stringify(masked);
}

export function maskQuery(params: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams();
  for (const [k, v] of params) out.append(k, isSecretParam(k) ? MASK : v);
  return out;
}

export function maskUrl(url: URL, secrets: string[]): string {
  const copy = new URL(url);
  if ([...copy.searchParams.keys()].some(isSecretParam)) copy.search = maskQuery(copy.searchParams).toString();
  return scrub(copy.toString(), secrets);
}
