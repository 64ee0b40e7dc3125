// Starts flowtwin on a port: the programmatic form of `flowtwin serve`.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateControlToken, isLoopbackHost } from './admin/control-auth.js';
import { createFlowtwin, type Flowtwin, type FlowtwinOptions } from './http/app.js';
import { DEFAULT_MAX_HEADER_SIZE } from './http/limits.js';
import { drain, listen } from './http/listen.js';
import { selfSignedIdentity, type TlsFiles, type TlsIdentity } from './http/tls.js';

export const DEFAULT_FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'default.json');

export interface ServeOptions extends Omit<FlowtwinOptions, 'controlToken'> {
  port?: number;
  host?: string;
  /**
   * The control plane's token. Absent: none on a loopback host, a generated one on any other (the
   * control plane is never open to the network by default). `false`: none, wherever it listens.
   */
  controlToken?: string | false;
  /** Request line and headers, in bytes: past it node answers 431 and closes the connection. */
  maxHeaderSize?: number;
  /** Serve https: with this certificate and key (PEM), or one made up for localhost. */
  tls?: TlsFiles | 'self-signed';
}

export interface RunningFlowtwin extends Flowtwin {
  server: Server;
  url: string;
  /** Stops accepting, lets in-flight requests finish (bounded), then closes the store. */
  stop(): Promise<void>;
  /** What control calls must carry (X-Flowtwin-Control-Token); undefined when the control plane is open. */
  controlToken: string | undefined;
  /** True when flowtwin made the token up (non-loopback host, none given): the caller should show it. */
  controlTokenGenerated: boolean;
  /** The certificate served over https (a generated one also written to `certFile`); absent on http. */
  tls?: TlsIdentity;
}

export function readJsonFile(path: string, what: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${what} ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`${what} ${path} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
}

export async function serve(options: ServeOptions = {}): Promise<RunningFlowtwin> {
  const host = options.host ?? '127.0.0.1';
  const { controlToken: given, maxHeaderSize = DEFAULT_MAX_HEADER_SIZE, tls: tlsOption, ...rest } = options;
  if (given === '')
    throw new Error(
      'the control token must not be empty (false, or "none" on the command line, leaves the control plane open)',
    );
  const controlTokenGenerated = given === undefined && !isLoopbackHost(host);
  const controlToken = controlTokenGenerated ? generateControlToken() : given || undefined;
  // Made before the store is touched: a certificate that cannot be made stops the start cleanly.
  const tls: TlsIdentity | undefined =
    tlsOption === 'self-signed' ? await selfSignedIdentity(host) : tlsOption && { ...tlsOption, generated: false };
  const flowtwin = await createFlowtwin({ ...rest, ...(controlToken !== undefined ? { controlToken } : {}) });
  const server: Server = tls
    ? createHttpsServer({ maxHeaderSize, cert: tls.cert, key: tls.key }, flowtwin.handler)
    : createServer({ maxHeaderSize }, flowtwin.handler);
  const url = await listen(server, options.port ?? 4010, host, tls ? 'https' : 'http');
  const stop = async (): Promise<void> => {
    await drain(server);
    await flowtwin.close();
  };
  return { ...flowtwin, server, url, stop, controlToken, controlTokenGenerated, ...(tls ? { tls } : {}) };
}
