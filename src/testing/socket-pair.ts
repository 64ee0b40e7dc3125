// Two connected in-memory stream ends: what one writes, the other reads. Node's HTTP server takes
// any Duplex as a connection ('connection' event), so flowtwin can answer a request with its own
// parser and serializer and no listening port.
import { Duplex } from 'node:stream';

/** The socket methods Node's HTTP server calls on a connection; none of them means anything here. */
class MemorySocket extends Duplex {
  peer!: MemorySocket;
  readonly remoteAddress = '127.0.0.1';
  readonly remotePort = 0;
  readonly remoteFamily = 'IPv4';

  constructor(readonly encrypted: boolean) {
    super();
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.peer.push(chunk);
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.peer.push(null);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // The other end reads an end of stream, as after a TCP close: a dropped connection looks like one.
    if (!this.peer.destroyed) this.peer.push(null);
    callback(error);
  }

  setTimeout(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}

export interface SocketPair {
  client: Duplex;
  server: Duplex;
}

/** `encrypted` makes the server side look like TLS, so express's req.protocol says https. */
export function socketPair(encrypted = false): SocketPair {
  const client = new MemorySocket(encrypted);
  const server = new MemorySocket(encrypted);
  client.peer = server;
  server.peer = client;
  return { client, server };
}
