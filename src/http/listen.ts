// Listening and draining a node:http server, shared by `serve` and the proxy.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens and answers the URL clients use (IPv6 addresses in brackets). */
export async function listen(
  server: Server,
  port: number,
  host: string,
  scheme: 'http' | 'https' = 'http',
): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `${scheme}://${shown}:${address.port}`;
}

/** Stops accepting and lets in-flight requests finish; connections still open after `graceMs` are cut. */
export async function drain(server: Server, graceMs = 5000): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // A keep-alive connection whose request was in flight stays open once answered, until its client
  // lets go (seconds for a pooled client): close each one as soon as it is idle instead.
  const sweep = setInterval(() => server.closeIdleConnections(), 50);
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  await closed;
  clearInterval(sweep);
  clearTimeout(timer);
}
