// Reads a request body as bytes with a size limit, through body-parser (shipped with express),
// which also handles gzip/deflate and a lying Content-Length.
import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';

export class PayloadTooLarge extends Error {}
export class UnreadableBody extends Error {}

export function bodyReader(limitBytes: number) {
  const parse = express.raw({ type: () => true, limit: limitBytes, inflate: true });
  return (req: IncomingMessage & { body?: unknown }, res: ServerResponse): Promise<Buffer | undefined> =>
    new Promise((resolve, reject) => {
      parse(req, res, (err?: unknown) => {
        if (!err) return resolve(Buffer.isBuffer(req.body) ? req.body : undefined);
        const type = (err as { type?: string }).type;
        if (type === 'entity.too.large') return reject(new PayloadTooLarge());
        reject(new UnreadableBody((err as Error).message));
      });
    });
}
