// The contract suite's vocabulary: a case runs requests and records findings; a finding names the
// check that passed or failed, the request, what the spec expected and what was seen.

export type FindingOutcome = 'pass' | 'fail' | 'warn' | 'skip';

export interface Finding {
  /** Stable check name, e.g. "conformance.status-declared" or "laws.cancel-moves-to-canceled". */
  check: string;
  /** The case that made the request. */
  case: string;
  outcome: FindingOutcome;
  message: string;
  /** "GET /api/v2/workflows?limit=1"; never headers, so never a secret. */
  request?: string;
  expected?: string;
  seen?: string;
  /** Where the expectation lives in the spec (a JSON pointer). */
  where?: string;
}

export interface ContractReport {
  vendor: string;
  target: string;
  startedAt: string;
  durationMs: number;
  findings: Finding[];
  passed: boolean;
}
