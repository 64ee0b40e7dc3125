// Reads an HTTP/1.1 response off an in-memory connection: status line, headers, then the body
// framed by Content-Length, chunked encoding or the end of the stream. The body is streamed, so an
// event stream delivers each event as it is written.
import type { Duplex } from 'node:stream';

export interface ResponseHead {
  status: number;
  /** Name/value pairs in the order sent; hop-by-hop framing headers included. */
  headers: [string, string][];
}

export interface ParsedResponse extends ResponseHead {
  /** The body without its framing; fails if the connection ends before the body does. */
  body: AsyncGenerator<Buffer>;
}

/** The connection closed before the answer was complete, as a client would see a reset. */
export class ConnectionClosedError extends Error {
  readonly code = 'ECONNRESET';
}

class ByteReader {
  private buffered = Buffer.alloc(0);
  private ended = false;

  constructor(private readonly chunks: AsyncIterator<Buffer>) {}

  private async fill(): Promise<boolean> {
    if (this.ended) return false;
    const next = await this.chunks.next();
    if (next.done) {
      this.ended = true;
      return false;
    }
    this.buffered = Buffer.concat([this.buffered, next.value]);
    return true;
  }

  private take(n: number): Buffer {
    const out = this.buffered.subarray(0, n);
    this.buffered = this.buffered.subarray(n);
    return out;
  }

  async line(what: string): Promise<string> {
    let end: number;
    while ((end = this.buffered.indexOf('\r\n')) < 0) {
      if (!(await this.fill())) throw new ConnectionClosedError(`flowtwin closed the connection in the ${what}`);
    }
    const line = this.take(end).toString('latin1');
    this.take(2);
    return line;
  }

  async exactly(n: number, what: string): Promise<Buffer> {
    while (this.buffered.length < n) {
      if (!(await this.fill())) throw new ConnectionClosedError(`flowtwin closed the connection in the ${what}`);
    }
    return this.take(n);
  }

  /** Whatever is buffered or arrives next, at most `max` bytes; undefined at the end of the stream. */
  async some(max: number): Promise<Buffer | undefined> {
    if (this.buffered.length === 0 && !(await this.fill())) return undefined;
    return this.take(Math.min(max, this.buffered.length));
  }
}

async function* chunkedBody(reader: ByteReader): AsyncGenerator<Buffer> {
  for (;;) {
    const size = Number.parseInt((await reader.line('chunked body')).split(';')[0] ?? '', 16);
    if (!Number.isInteger(size) || size < 0) throw new ConnectionClosedError('flowtwin sent a malformed chunk size');
    if (size === 0) {
      while ((await reader.line('trailers')) !== '');
      return;
    }
    yield await reader.exactly(size, 'chunked body');
    await reader.line('chunked body');
  }
}

async function* sizedBody(reader: ByteReader, length: number): AsyncGenerator<Buffer> {
  let left = length;
  while (left > 0) {
    const piece = await reader.some(left);
    if (!piece)
      throw new ConnectionClosedError(`flowtwin closed the connection ${left} bytes short of its Content-Length`);
    left -= piece.length;
    yield piece;
  }
}

async function* bodyToEnd(reader: ByteReader): AsyncGenerator<Buffer> {
  for (let piece = await reader.some(Infinity); piece; piece = await reader.some(Infinity)) yield piece;
}

async function* noBody(): AsyncGenerator<Buffer> {}

export async function readResponse(connection: Duplex, method: string): Promise<ParsedResponse> {
  const reader = new ByteReader(connection[Symbol.asyncIterator]());
  const statusLine = await reader.line('status line').catch((err: unknown) => {
    throw err instanceof ConnectionClosedError
      ? new ConnectionClosedError('flowtwin closed the connection without answering')
      : err;
  });
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  if (!status) throw new ConnectionClosedError(`flowtwin sent a malformed status line: ${statusLine}`);
  const headers: [string, string][] = [];
  for (let line = await reader.line('headers'); line !== ''; line = await reader.line('headers')) {
    const colon = line.indexOf(':');
    headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  const header = (name: string) => headers.find(([n]) => n.toLowerCase() === name)?.[1];
  let body: AsyncGenerator<Buffer>;
  if (method === 'HEAD' || status === 204 || status === 304 || status < 200) body = noBody();
  else if (header('transfer-encoding')?.toLowerCase().includes('chunked')) body = chunkedBody(reader);
  else if (header('content-length') !== undefined) body = sizedBody(reader, Number(header('content-length')));
  else body = bodyToEnd(reader);
  return { status, headers, body };
}
