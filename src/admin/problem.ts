// The control plane's own errors are RFC 7807 problem+json, so they are never mistaken for a
// vendor's error bodies.
import type { Response } from 'express';

export function sendProblem(res: Response, status: number, title: string, detail: string): void {
  res
    .status(status)
    .type('application/problem+json')
    .send(JSON.stringify({ type: 'about:blank', title, status, detail }));
}
