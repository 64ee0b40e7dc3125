// A TCP proxy in front of a server, for tests that need its connections to fail the way a network
// does: reset mid-read, refused on reconnection, then back again.
import { connect, createServer, type Socket } from 'node:net';

export interface TcpProxy {
  /** The proxied URL: the target's, with the proxy's host and port. */
  url: string;
  /** Resets every open connection and every new one until restore(). */
  cut(): void;
  restore(): void;
  /** Client connections open right now. */
  open(): number;
  close(): Promise<void>;
}

export async function startTcpProxy(targetUrl: string): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  const clients = new Set<Socket>();
  const pairs = new Map<Socket, Socket>();
  let refusing = false;
  const server = createServer((client) => {
    if (refusing) return void client.resetAndDestroy();
    const upstream = connect(Number(target.port), target.hostname);
    clients.add(client);
    pairs.set(client, upstream);
    client.pipe(upstream).pipe(client);
    const drop = () => {
      clients.delete(client);
      pairs.delete(client);
      if (!client.destroyed) client.destroy();
      if (!upstream.destroyed) upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const url = new URL(targetUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    cut() {
      refusing = true;
      for (const [client, upstream] of pairs) {
        client.resetAndDestroy();
        upstream.destroy();
      }
    },
    restore() {
      refusing = false;
    },
    open: () => clients.size,
    close() {
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream.destroy();
      }
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
