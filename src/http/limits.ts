// The request-size limits flowtwin enforces besides the body's (DEFAULT_BODY_LIMIT), with their
// defaults in one place for the CLI's help and the docs. Each refusal comes in the shape of whoever
// would refuse it: a vendor's gateway for its paths, problem+json for the control plane.
import type { NextFunction, Request, Response } from 'express';
import { sendProblem } from '../admin/problem.js';
import type { Vendor } from '../vendors/vendor.js';
import { writeReply } from './reply.js';

/** Path and query, in bytes. Below the header limit, so the vendor's 414 is what a long URL gets. */
export const DEFAULT_MAX_URL_LENGTH = 8192;
/** Request line and headers together (node's own default): over it node answers 431 and closes. */
export const DEFAULT_MAX_HEADER_SIZE = 16384;
/** Instances one tenant may have, counted since the last reset. */
export const DEFAULT_MAX_INSTANCES_PER_TENANT = 100_000;

/** Refuses an over-long URL before anything else reads the request (auth, faults, the journal). */
export function urlLimit(maxBytes: number, vendors: Vendor[], controlPrefix: string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    // req.url as received: node keeps it percent-encoded, so its length is the bytes on the wire.
    if (req.url.length <= maxBytes) return next();
    const path = req.url.split('?')[0]!;
    const vendor = vendors.find((v) => v.prefixes.some((p) => path.startsWith(p)));
    if (vendor) {
      const reply = vendor.uriTooLong(maxBytes);
      return writeReply(res, vendor.finalize ? vendor.finalize(reply) : reply);
    }
    const where = path.startsWith(controlPrefix) ? 'the control plane' : 'flowtwin';
    sendProblem(
      res,
      414,
      'URI Too Long',
      `the URL is over ${maxBytes} bytes, the most ${where} accepts (--max-url-length)`,
    );
  };
}
