// A listener that speaks just enough of the Redis protocol for a client to connect, and then stops
// answering one command: how a Redis that hangs halfway through a store's opening looks.
import { createServer, type Socket } from 'node:net';

export interface FakeRedis {
  url: string;
  /** Connections the client has not closed. */
  open(): number;
  close(): Promise<void>;
}

const REPLIES: Record<string, string> = {
  INFO: bulk('# Server\r\nredis_version:7.0.0\r\nloading:0\r\n'),
  SET: '+OK\r\n',
  GET: bulk('1'),
  TIME: '*2\r\n$10\r\n1700000000\r\n$1\r\n0\r\n',
};

function bulk(text: string): string {
  return `$${Buffer.byteLength(text)}\r\n${text}\r\n`;
}

/** Every complete command in `buffer` (RESP arrays of bulk strings) and what is left over. */
function commands(buffer: string): { names: string[]; rest: string } {
  const names: string[] = [];
  let at = 0;
  for (;;) {
    const header = /^\*(\d+)\r\n/.exec(buffer.slice(at));
    if (!header) break;
    let pos = at + header[0].length;
    const args: string[] = [];
    for (let i = 0; i < Number(header[1]); i++) {
      const len = /^\$(\d+)\r\n/.exec(buffer.slice(pos));
      if (!len || buffer.length < pos + len[0].length + Number(len[1]) + 2) return { names, rest: buffer.slice(at) };
      pos += len[0].length;
      args.push(buffer.slice(pos, pos + Number(len[1])));
      pos += Number(len[1]) + 2;
    }
    if (args.length < Number(header[1])) break;
    names.push(args[0]!.toUpperCase());
    at = pos;
  }
  return { names, rest: buffer.slice(at) };
}

/** Answers INFO, SET, GET and TIME as a fresh Redis would, until `silentOn`: from then on nothing. */
export async function startFakeRedis(silentOn: string): Promise<FakeRedis> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket)).on('error', () => {});
    let pending = '';
    // Once silent, silent for good: a reply to a later command would be read as the missing one's.
    let silent = false;
    socket.on('data', (chunk: Buffer) => {
      if (silent) return;
      const { names, rest } = commands(pending + chunk.toString('utf8'));
      pending = rest;
      for (const name of names) {
        if (name === silentOn) return void (silent = true);
        socket.write(REPLIES[name] ?? `-ERR unknown command '${name}'\r\n`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `redis://127.0.0.1:${port}/0`,
    open: () => sockets.size,
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
