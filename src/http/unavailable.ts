// A store that is down or contended is temporary: the answer is a 503 with Retry-After (the
// vendor's own shape on its routes, problem+json on the control plane), never a 500, so a
// client's retry policy waits and tries again instead of giving up.
import { WriteConflict } from '../engine/errors.js';
import { StoreUnavailable } from '../store/store.js';
import type { Logger } from '../log/logger.js';

/** One second: a lost compare-and-set race is over in milliseconds; a store outage is retried by the client anyway. */
export const RETRY_AFTER_SECONDS = 1;

export const isTemporary = (err: unknown): err is StoreUnavailable | WriteConflict =>
  err instanceof StoreUnavailable || err instanceof WriteConflict;

/**
 * One line per contention, saying what conflicted: it means writers race on one record harder than
 * the retries absorb, which an operator may want to know. An unreachable store is not logged here
 * (it would be a line per request while it is down).
 */
export function logContention(log: Logger, where: string, err: unknown): void {
  if (err instanceof WriteConflict)
    log.warn(
      `store contention in ${where}: ${err.message}; ` +
        `answered 503, the client should retry after ${RETRY_AFTER_SECONDS} s`,
    );
}
