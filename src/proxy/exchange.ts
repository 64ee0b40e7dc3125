// One request and the upstream's answer, as the proxy saw them: what the checks, the HAR and the
// fixtures are made from.
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { rawHeader } from './headers.js';

export interface Exchange {
  /** Wall-clock ms when the request arrived. */
  startedAt: number;
  durationMs: number;
  method: string;
  /** The URL the request went to, on the upstream. */
  url: URL;
  /** Raw headers as sent to the upstream. */
  requestHeaders: string[];
  requestBody: Buffer;
  status: number;
  statusText: string;
  httpVersion: string;
  responseHeaders: string[];
  /** The body as it came over the wire (possibly compressed). */
  responseBody: Buffer;
}

/** The response body with its Content-Encoding undone; undefined when it cannot be. */
export function decodedBody(exchange: Exchange): Buffer | undefined {
  const encoding = (rawHeader(exchange.responseHeaders, 'content-encoding') ?? 'identity').trim().toLowerCase();
  const body = exchange.responseBody;
  try {
    if (encoding === 'identity' || body.length === 0) return body;
    if (encoding === 'gzip' || encoding === 'x-gzip') return gunzipSync(body);
    if (encoding === 'deflate') return inflateSync(body);
    if (encoding === 'br') return brotliDecompressSync(body);
  } catch {
    return undefined;
  }
  return undefined;
}

/** JSON when it parses, the text otherwise, undefined for no body: what the response validators take. */
export function parsedBody(decoded: Buffer | undefined): unknown {
  if (!decoded || decoded.length === 0) return undefined;
  const text = decoded.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export const responseContentType = (exchange: Exchange): string | undefined =>
  rawHeader(exchange.responseHeaders, 'content-type');
