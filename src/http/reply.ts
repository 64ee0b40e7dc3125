// Writes a Reply and, when asked, checks it against the operation's declared responses first.
import type { ServerResponse } from 'node:http';
import type { OperationSpec } from '../spec/operations.js';
import { validateResponse, type ResponseViolation } from '../spec/validate-response.js';
import type { Reply } from '../vendors/vendor.js';

export type ViolationListener = (violation: ResponseViolation & { method: string; path: string }) => void;

export function writeReply(res: ServerResponse, reply: Reply): void {
  // node's own setter: express's res.status re-checks a number that every Reply already has right.
  res.statusCode = reply.status;
  if (reply.headers) for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
  if (reply.body === undefined) {
    res.end();
    return;
  }
  const contentType = reply.contentType ?? 'application/json';
  res.setHeader('content-type', contentType);
  // Text under a type that is not JSON (a response override's HTML error page) goes as it is.
  res.end(typeof reply.body === 'string' && !/json/i.test(contentType) ? reply.body : JSON.stringify(reply.body));
}

/** Announces the whole body, sends half of it, and cuts the connection (a truncated-body fault). */
export function writeTruncated(res: ServerResponse, reply: Reply): void {
  const text = JSON.stringify(reply.body ?? {});
  res.statusCode = reply.status;
  if (reply.headers) for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
  res.setHeader('content-type', reply.contentType ?? 'application/json');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.write(text.slice(0, Math.floor(text.length / 2)), () => res.socket?.destroy());
}

export function checkReply(
  op: OperationSpec,
  reply: Reply,
  listener: ViolationListener,
  method: string,
  path: string,
): void {
  const contentType = reply.body === undefined ? undefined : (reply.contentType ?? 'application/json');
  for (const violation of validateResponse(op, reply.status, contentType, reply.body))
    listener({ ...violation, method, path });
}
