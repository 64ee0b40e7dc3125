// `flowtwin proxy`: a pass-through to the real vendor that says, per exchange, where the vendor's
// answer breaks its spec, and optionally records the traffic (HAR) and what it showed (fixtures).
// The client always gets the upstream's answer unchanged: the proxy observes, it never corrects.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { drain, listen } from '../http/listen.js';
import { judge } from './check.js';
import type { Exchange } from './exchange.js';
import { forward } from './forward.js';
import { endToEnd } from './headers.js';
import { Recorder } from './recorder.js';
import { loadVendorSpecs, vendorOfHost, type ProxyVendor } from './vendors.js';

export interface ProxyOptions {
  /** The vendor's base URL: an origin, since the specs' paths start at the root. */
  upstream: string;
  /** Inferred from the upstream's host when absent; failing that, each request's route decides. */
  vendor?: ProxyVendor;
  port?: number;
  host?: string;
  /** A directory for traffic.har and fixtures.json. */
  record?: string;
  /** Violations, undocumented routes and upstream failures, one line each (stderr in the CLI). */
  log?: (line: string) => void;
  /** One line per exchange (stdout in the CLI). */
  access?: (line: string) => void;
}

export interface RunningProxy {
  url: string;
  upstream: URL;
  vendor?: ProxyVendor;
  recorder?: Recorder;
  /** Resolves once every exchange answered so far is checked and recorded. */
  settled(): Promise<void>;
  /** Stops accepting, lets in-flight exchanges finish (bounded), then writes the recording. */
  stop(): Promise<void>;
}

export class ProxyUsageError extends Error {}

export function upstreamUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ProxyUsageError(`--upstream must be a URL such as https://api.datadoghq.com, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ProxyUsageError(`--upstream must be http or https, got "${raw}"`);
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    throw new ProxyUsageError(
      `--upstream must be an origin (scheme://host[:port]): the specs' paths start at the root, got "${raw}"`,
    );
  }
  return url;
}

export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const upstream = upstreamUrl(options.upstream);
  const vendor = options.vendor ?? vendorOfHost(upstream.hostname);
  const specs = loadVendorSpecs(vendor);
  const log = options.log ?? ((line: string) => console.error(line));
  const access = options.access ?? (() => undefined);
  const recorder = options.record ? new Recorder(options.record, upstream, log) : undefined;
  const pending = new Set<Promise<void>>();

  const finished = (exchange: Exchange): void => {
    const verdict = judge(specs, exchange);
    for (const line of verdict.lines) log(line);
    access(
      `${exchange.method} ${exchange.url.pathname} ${exchange.status} ` +
        `${verdict.route?.op.operationId ?? '-'} ${exchange.durationMs}ms`,
    );
    recorder?.add(exchange, verdict.route, verdict.body);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const done = exchange(req, res, upstream, log, finished).catch((err: unknown) =>
      log(`proxy: ${req.method} ${req.url}: ${(err as Error).message}`),
    );
    pending.add(done);
    void done.finally(() => pending.delete(done));
  };

  const server = createServer(handle);
  const url = await listen(server, options.port ?? 4011, options.host ?? '127.0.0.1');
  const settled = async (): Promise<void> => {
    await Promise.all([...pending]);
    await recorder?.flush();
  };
  const stop = async (): Promise<void> => {
    await drain(server);
    await settled();
  };
  return { url, upstream, ...(vendor ? { vendor } : {}), ...(recorder ? { recorder } : {}), settled, stop };
}

async function exchange(
  req: IncomingMessage,
  res: ServerResponse,
  upstream: URL,
  log: (line: string) => void,
  finished: (e: Exchange) => void,
): Promise<void> {
  const startedAt = Date.now();
  const method = req.method ?? 'GET';
  const target = originForm(req.url ?? '/');
  // Concatenated, not resolved: "//host/x" is a path here, never another host.
  const url = new URL(`${upstream.origin}${target}`);
  const requestBody = await readAll(req);
  const sent = forward(upstream, method, target, req.rawHeaders, requestBody);
  let clientGone = false;
  res.once('close', () => {
    if (res.writableFinished) return;
    clientGone = true;
    sent.abort();
  });
  let upstreamRes: IncomingMessage;
  try {
    upstreamRes = await sent.response;
  } catch (err) {
    // The abort above, not the upstream's doing: nobody is left to answer or to warn.
    if (clientGone) return;
    const reason = (err as Error).message || String((err as NodeJS.ErrnoException).code);
    log(`upstream unreachable: ${method} ${url.pathname}: ${reason}`);
    if (res.headersSent || res.destroyed) return;
    const body = JSON.stringify({
      type: 'about:blank',
      title: 'Bad Gateway',
      status: 502,
      detail: `flowtwin proxy could not reach the upstream ${upstream.origin}: ${reason}`,
    });
    res.writeHead(502, { 'content-type': 'application/problem+json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  // Node would add a Date the upstream did not send; the client gets the upstream's headers only.
  res.sendDate = false;
  const status = upstreamRes.statusCode ?? 502;
  res.writeHead(status, upstreamRes.statusMessage, endToEnd(upstreamRes.rawHeaders));
  const chunks: Buffer[] = [];
  upstreamRes.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('error', () => upstreamRes.destroy());
  upstreamRes.pipe(res);
  const complete = await new Promise<boolean>((resolve) => {
    upstreamRes.once('end', () => resolve(true));
    upstreamRes.once('close', () => resolve(upstreamRes.complete));
    upstreamRes.on('error', () => resolve(false));
  });
  if (!complete) {
    if (clientGone) return;
    // Headers are gone already: cutting the client off is the only honest way to pass on a broken answer.
    log(`upstream broke off the response: ${method} ${url.pathname} ${status}`);
    res.destroy();
    return;
  }
  finished({
    startedAt,
    durationMs: Date.now() - startedAt,
    method,
    url,
    requestHeaders: sent.headers,
    requestBody,
    status,
    statusText: upstreamRes.statusMessage ?? '',
    httpVersion: upstreamRes.httpVersion,
    responseHeaders: upstreamRes.rawHeaders,
    responseBody: Buffer.concat(chunks),
  });
}

/** A request line in absolute form (a client using this as a forward proxy) still goes to the upstream. */
function originForm(target: string): string {
  if (target.startsWith('/')) return target;
  try {
    const url = new URL(target);
    return `${url.pathname}${url.search}`;
  } catch {
    return `/${target}`;
  }
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
    req.once('close', () => req.complete || reject(new Error('the client went away before sending the whole request')));
  });
}
