// What a failed control call throws: the problem+json detail in the message, status and body kept.
import type { JournalEntry, Problem, VerificationFailure } from './types.js';

export class FlowtwinControlError extends Error {
  override readonly name: string = 'FlowtwinControlError';

  constructor(
    /** e.g. "POST /__flowtwin/clock/advance" */
    readonly call: string,
    readonly status: number,
    /** The problem+json body, when flowtwin answered with one. */
    readonly problem: Problem | undefined,
    message = `${call} answered ${status}: ${problem?.detail ?? 'no problem+json body'}`,
  ) {
    super(message);
  }

  get detail(): string | undefined {
    return this.problem?.detail;
  }
}

const describeEntry = (e: JournalEntry): string =>
  `  #${e.seq} ${e.at} ${e.vendor} ${e.operationId} ${e.method} ${e.path} -> ${e.status}` +
  (Object.keys(e.params).length ? ` params ${JSON.stringify(e.params)}` : '') +
  (e.tenant ? ` tenant ${e.tenant}` : '');

/** journal.verify saw another number of matching requests than expected. */
export class JournalVerificationError extends FlowtwinControlError {
  override readonly name: string = 'JournalVerificationError';
  readonly expected: number;
  readonly seen: number;
  readonly entries: JournalEntry[];

  constructor(call: string, filter: object, failure: VerificationFailure, recent: JournalEntry[]) {
    const lines = [
      `journal verify: expected ${failure.expected} request(s) matching ${JSON.stringify(filter)}, saw ${failure.seen}`,
    ];
    if (failure.entries.length > 0)
      lines.push(`matching (last ${failure.entries.length}):`, ...failure.entries.map(describeEntry));
    // Nothing matched: what did arrive is usually the quickest way to the mistake.
    else
      lines.push(
        recent.length > 0 ? `latest requests (${recent.length}):` : 'the journal is empty',
        ...recent.map(describeEntry),
      );
    super(call, 409, failure, lines.join('\n'));
    this.expected = failure.expected;
    this.seen = failure.seen;
    this.entries = failure.entries;
  }
}
