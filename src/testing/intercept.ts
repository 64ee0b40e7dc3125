// interceptVendors: the real vendor hosts (every Datadog site, SecMaster and IAM in any Huawei
// region) answered by an in-process flowtwin through nock: no listening port, no network. nock 15
// intercepts node:http(s) and global fetch, so official SDKs need no configuration at all.
import './polyfills.js';
import type nockType from 'nock';
import { loadNock } from './load-nock.js';
import { createFlowtwin, type Flowtwin } from '../http/app.js';
import { controlClient, type ControlClient } from './control.js';
import { isVendorOrigin } from './hosts.js';
import { HOP_BY_HOP, memoryHttp, type MemoryHttp } from './in-memory.js';
import { prepare, type TestFlowtwinOptions } from './options.js';

type Nock = typeof nockType;
type Interceptor = nockType.Interceptor;

export interface InterceptOptions extends TestFlowtwinOptions {
  /**
   * A request to any other host: 'error' (default) refuses it (nock's disallowed net connect),
   * 'warn' lets it through and says so once per host, 'bypass' lets it through silently.
   */
  unmatched?: 'error' | 'warn' | 'bypass';
  /**
   * Hosts ("host:port") that may still be reached in 'error' mode,
   * e.g. a startFlowtwin url's host or your database.
   */
  allow?: (string | RegExp)[];
  /** Where 'warn' writes; console.warn by default. */
  warn?: (message: string) => void;
}

export interface Interception extends AsyncDisposable {
  /** The in-process flowtwin (app, clock, journal, store). */
  flowtwin: Flowtwin;
  /** The control plane, in memory too. */
  control: ControlClient;
  /** Removes this interception's interceptors, lets the network through again, and closes flowtwin. */
  restore(): Promise<void>;
}

/** Reserved (RFC 2606 .invalid): never a real request's origin. */
const SCOPE_ORIGIN = 'https://vendors.flowtwin.invalid';
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
/** nock decompresses these request bodies before a reply function sees them. */
const DECODED = /^(gzip|deflate|br)$/i;

let active = false;

type ReplyResult = [number, Buffer, string[]];

/** The bytes sent. A fetch Request cannot carry a GET's body: nock keeps it aside (or there is none). */
async function bodyOf(nock: Nock, request: Request): Promise<Buffer> {
  if (request.method !== 'GET') return Buffer.from(await request.arrayBuffer());
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of nock.getGetRequestBody(request)) chunks.push(Buffer.from(chunk as Uint8Array));
  } catch {
    // no body was sent
  }
  return Buffer.concat(chunks);
}

/** One intercepted request (a fetch Request, as nock 15 hands it over) answered by flowtwin. */
async function answer(http: MemoryHttp, nock: Nock, request: Request): Promise<ReplyResult> {
  const url = new URL(request.url);
  const headers = [...request.headers].filter(
    ([name, value]) => !(name === 'content-encoding' && DECODED.test(value.trim())),
  );
  if (!headers.some(([name]) => name === 'host')) headers.unshift(['host', url.host]);
  const raw = await bodyOf(nock, request);
  const res = await http.request({
    method: request.method,
    target: url.pathname + url.search,
    headers,
    https: url.protocol === 'https:',
    ...(raw.length ? { body: raw } : {}),
  });
  const replyHeaders = res.headers
    .filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase()) || name.toLowerCase() === 'content-length')
    .flat();
  // A body flowtwin cut (a truncate fault) fails the whole request: nock cannot hand a client part
  // of a body and then a broken connection, and a short body with its full Content-Length hangs it.
  const chunks: Buffer[] = [];
  for await (const chunk of res.body) chunks.push(chunk);
  return [res.status, Buffer.concat(chunks), replyHeaders];
}

function netConnect(
  nock: Nock,
  { unmatched = 'error', allow = [], warn = (m: string) => console.warn(m) }: InterceptOptions,
): void {
  if (unmatched === 'bypass') return nock.enableNetConnect();
  if (unmatched === 'warn') {
    const warned = new Set<string>();
    return nock.enableNetConnect((host: string) => {
      if (!warned.has(host)) {
        warned.add(host);
        warn(
          `flowtwin interceptVendors: ${host} is not a vendor host flowtwin fakes; ` +
            "letting the request through (unmatched: 'warn')",
        );
      }
      return true;
    });
  }
  if (allow.length === 0) return nock.disableNetConnect();
  nock.enableNetConnect((host: string) => allow.some((a) => (typeof a === 'string' ? a === host : a.test(host))));
}

export async function interceptVendors(options: InterceptOptions = {}): Promise<Interception> {
  if (active) throw new Error('interceptVendors is already active: restore() the previous interception first');
  active = true;
  const { unmatched: _unmatched, allow: _allow, warn: _warn, ...flowtwinOptions } = options;
  let flowtwin: Flowtwin;
  let nock: Nock;
  try {
    const prepared = prepare(flowtwinOptions);
    flowtwin = await createFlowtwin(prepared.options);
    await prepared.started(flowtwin);
    nock = await loadNock();
  } catch (err) {
    active = false;
    throw err;
  }

  const http = memoryHttp(flowtwin.handler);
  // One scope under a name no request can have, which nock's filteringScope lends to every vendor
  // origin. Removing its interceptors then leaves nothing that matches a vendor host: the host is
  // back to the network rules (a RegExp scope would keep answering 501 "no match" until cleanAll).
  const scope = nock(SCOPE_ORIGIN, { filteringScope: isVendorOrigin }).persist();
  const interceptors: Interceptor[] = [];
  for (const method of METHODS) {
    const interceptor = scope.intercept(/.*/, method);
    interceptors.push(interceptor);
    // One parameter: nock 15 treats a two-parameter reply function as callback-style.
    interceptor.reply(async (request: Request) => answer(http, nock, request));
  }
  netConnect(nock, options);

  const control = controlClient(
    http.fetch,
    options.controlToken !== undefined ? { controlToken: options.controlToken } : {},
  );
  let restoring: Promise<void> | undefined;
  const interception: Interception = {
    flowtwin,
    control,
    restore: () =>
      (restoring ??= (async () => {
        for (const interceptor of interceptors) nock.removeInterceptor(interceptor);
        nock.enableNetConnect();
        active = false;
        await control.close();
        await flowtwin.close();
      })()),
    [Symbol.asyncDispose]: () => interception.restore(),
  };
  return interception;
}
