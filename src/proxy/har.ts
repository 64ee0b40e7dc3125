// HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) of what went through the proxy, with
// every secret masked, in the shape `flowtwin verify-har` reads back.
import type { HarEntry } from '../contract/har.js';
import { VERSION } from '../version.js';
import { decodedBody, type Exchange } from './exchange.js';
import { headerPairs, rawHeader } from './headers.js';
import { MASK, isSecretHeader, maskBody, maskQuery, maskUrl, scrub, secretValues } from './secrets.js';

type NameValue = { name: string; value: string };

export interface RecordedEntry extends HarEntry {
  startedDateTime: string;
  time: number;
  request: HarEntry['request'] & {
    httpVersion: string;
    cookies: NameValue[];
    headers: NameValue[];
    queryString: NameValue[];
    postData?: { mimeType: string; text: string; encoding?: 'base64' };
    headersSize: -1;
    bodySize: number;
  };
  response: HarEntry['response'] & {
    statusText: string;
    httpVersion: string;
    cookies: NameValue[];
    headers: NameValue[];
    content: { size: number; mimeType: string; text?: string; encoding?: 'base64' };
    redirectURL: string;
    headersSize: -1;
    bodySize: number;
  };
  cache: Record<string, never>;
  timings: { send: number; wait: number; receive: number };
}

export interface HarDocument {
  log: { version: '1.2'; creator: { name: string; version: string }; comment: string; entries: RecordedEntry[] };
}

export function harDocument(entries: RecordedEntry[], comment: string): HarDocument {
  return { log: { version: '1.2', creator: { name: 'flowtwin proxy', version: VERSION }, comment, entries } };
}

/** `known`: credentials seen in earlier exchanges, scrubbed here too. */
export function harEntry(exchange: Exchange, known: string[] = []): RecordedEntry {
  const requestPairs = headerPairs(exchange.requestHeaders);
  const responsePairs = headerPairs(exchange.responseHeaders);
  // A key may come back in the answer (an error echoing it), so both sides' credentials are scrubbed everywhere.
  const secrets = [...new Set([...secretValues([...requestPairs, ...responsePairs]), ...known])].sort(
    (a, b) => b.length - a.length,
  );
  const mask = (pairs: NameValue[]) =>
    pairs.map(({ name, value }) => ({ name, value: isSecretHeader(name) ? MASK : scrub(value, secrets) }));
  const requestType = rawHeader(exchange.requestHeaders, 'content-type') ?? '';
  const responseType = rawHeader(exchange.responseHeaders, 'content-type') ?? '';
  const decoded = decodedBody(exchange) ?? exchange.responseBody;
  const postData =
    exchange.requestBody.length > 0
      ? { mimeType: requestType, ...content(exchange.requestBody, requestType, secrets) }
      : undefined;
  return {
    startedDateTime: new Date(exchange.startedAt).toISOString(),
    time: exchange.durationMs,
    request: {
      method: exchange.method,
      url: maskUrl(exchange.url, secrets),
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: mask(requestPairs),
      queryString: [...maskQuery(exchange.url.searchParams)].map(([name, value]) => ({
        name: scrub(name, secrets),
        value: scrub(value, secrets),
      })),
      ...(postData ? { postData } : {}),
      headersSize: -1,
      bodySize: exchange.requestBody.length,
    },
    response: {
      status: exchange.status,
      statusText: exchange.statusText,
      httpVersion: `HTTP/${exchange.httpVersion}`,
      cookies: [],
      headers: mask(responsePairs),
      content: {
        size: decoded.length,
        mimeType: responseType,
        ...(decoded.length > 0 ? content(decoded, responseType, secrets) : {}),
      },
      redirectURL: rawHeader(exchange.responseHeaders, 'location') ?? '',
      headersSize: -1,
      bodySize: exchange.responseBody.length,
    },
    cache: {},
    timings: { send: 0, wait: exchange.durationMs, receive: 0 },
  };
}

/** Text when the bytes are UTF-8 (masked), base64 otherwise: binary cannot hold a JSON key to mask. */
function content(bytes: Buffer, mimeType: string, secrets: string[]): { text: string; encoding?: 'base64' } {
  const text = bytes.toString('utf8');
  if (Buffer.from(text, 'utf8').equals(bytes)) return { text: maskBody(text, mimeType, secrets) };
  return { text: bytes.toString('base64'), encoding: 'base64' };
}
