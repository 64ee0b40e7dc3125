// flowtwin answering in memory: a never-listening node:http server fed in-memory connections, so a
// request reaches express exactly as bytes off a socket would (raw body, raw headers) and faults that
// drop or cut a connection surface as a closed connection. No port, no network.
//
// Why not light-my-request: its express support re-points the prototype of express's shared
// request/response objects to its own classes (process-wide, on first inject), which breaks every
// real express server in the same process (a startFlowtwin server, the user's own app); and it
// resolves only once a response has ended, so the event stream could not be read.
import { createServer, type RequestListener } from 'node:http';
import { readResponse, type ResponseHead } from './http-reader.js';
import { socketPair } from './socket-pair.js';

export interface MemoryRequest {
  method: string;
  /** Path and query, as on the request line. */
  target: string;
  /** Sent as given, in order; must include host. Content-Length is set from the body. */
  headers: [string, string][];
  body?: Uint8Array;
  /** Whether the request came over https (express's req.protocol, req.secure). */
  https?: boolean;
}

export interface MemoryResponse extends ResponseHead {
  body: AsyncGenerator<Buffer>;
  /** Ends the connection, e.g. to leave an event stream. */
  close(): void;
}

/** Framing flowtwin's in-memory connection used, which the caller's own framing replaces. */
export const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'expect',
  'upgrade',
  'te',
  'trailer',
]);

export interface MemoryHttp {
  request(request: MemoryRequest): Promise<MemoryResponse>;
  /** A fetch-like call of the app, for clients written against fetch. */
  fetch(
    target: string,
    init?: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal | undefined },
  ): Promise<Response>;
}

function requestHead({ method, target, headers }: MemoryRequest, length: number): string {
  const lines = [`${method} ${target} HTTP/1.1`];
  for (const [name, value] of headers) {
    if (HOP_BY_HOP.has(name.toLowerCase())) continue;
    if (/[\r\n]/.test(name + value)) throw new TypeError(`header ${name} contains a line break`);
    lines.push(`${name}: ${value}`);
  }
  if (length > 0 || !['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(method)) lines.push(`content-length: ${length}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

export function memoryHttp(listener: RequestListener): MemoryHttp {
  const server = createServer(listener);

  const request = async (req: MemoryRequest): Promise<MemoryResponse> => {
    const { client, server: end } = socketPair(req.https ?? false);
    server.emit('connection', end);
    const body = req.body ?? new Uint8Array();
    client.write(Buffer.from(requestHead(req, body.length), 'latin1'));
    if (body.length > 0) client.write(body);
    const close = () => void client.destroy();
    try {
      const res = await readResponse(client, req.method);
      async function* bodyThenClose(): AsyncGenerator<Buffer> {
        try {
          yield* res.body;
        } finally {
          close();
        }
      }
      return { ...res, body: bodyThenClose(), close };
    } catch (err) {
      close();
      throw err;
    }
  };

  const fetchLike: MemoryHttp['fetch'] = async (target, init = {}) => {
    const method = (init.method ?? 'GET').toUpperCase();
    const headers: [string, string][] = [['host', 'flowtwin.invalid'], ...Object.entries(init.headers ?? {})];
    if (init.body !== undefined && !headers.some(([n]) => n.toLowerCase() === 'content-type'))
      headers.push(['content-type', 'application/json']);
    const res = await request({
      method,
      target,
      headers,
      ...(init.body !== undefined ? { body: Buffer.from(init.body) } : {}),
    });
    init.signal?.addEventListener('abort', res.close, { once: true });
    const chunks = res.body;
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const next = await chunks.next();
          if (next.done) controller.close();
          else controller.enqueue(new Uint8Array(next.value));
        } catch (err) {
          controller.error(err);
        }
      },
      cancel: () => res.close(),
    });
    const nullBody = method === 'HEAD' || res.status === 204 || res.status === 304;
    if (nullBody) res.close();
    return new Response(nullBody ? null : stream, {
      status: res.status,
      headers: res.headers.filter(([n]) => !HOP_BY_HOP.has(n.toLowerCase())),
    });
  };

  return { request, fetch: fetchLike };
}
