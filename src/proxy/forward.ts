// Sends one request on to the upstream with node:http(s), not fetch: fetch would undo gzip,
// merge repeated headers and pick its own header case, and the client must get the upstream's
// bytes. The request body goes out as it came, because Huawei's AK/SK signature covers it.
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { endToEnd } from './headers.js';

export interface Forwarded {
  /** Raw headers as sent upstream. */
  headers: string[];
  response: Promise<IncomingMessage>;
  abort(): void;
}

/**
 * Everything but the hop-by-hop headers and Host goes through; Host becomes the upstream's, which
 * its virtual hosting needs. (A Huawei signature over `host` must therefore be made for the
 * upstream's host, not the proxy's.)
 */
export function forward(upstream: URL, method: string, target: string, rawHeaders: string[], body: Buffer): Forwarded {
  const headers = withHost(endToEnd(rawHeaders), upstream.host);
  const client = upstream.protocol === 'https:' ? https : http;
  const request = client.request({
    protocol: upstream.protocol,
    hostname: upstream.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: upstream.port || undefined,
    method,
    path: target,
    headers,
    setHost: false,
  });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    request.once('response', resolve);
    request.once('error', reject);
  });
  request.end(body.length > 0 ? body : undefined);
  return { headers, response, abort: () => request.destroy() };
}

/** Host replaced where the client put it, so the header order stays the client's. */
function withHost(raw: string[], host: string): string[] {
  const out = [...raw];
  let found = false;
  for (let i = 0; i < out.length; i += 2) {
    if (out[i]!.toLowerCase() !== 'host') continue;
    out[i + 1] = host;
    found = true;
  }
  return found ? out : [...out, 'Host', host];
}
