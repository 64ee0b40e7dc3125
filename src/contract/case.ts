// A contract case is data plus a small script: its name, whether it writes, what it needs, and
// the requests and laws it checks. Cases only talk to the target through ContractHttp.
import type { ContractHttp, Exchange } from './http.js';

export interface CaseContext {
  http: ContractHttp;
  /** Resources the user named (or the suite found), e.g. workflowId. */
  resources: Record<string, string | undefined>;
  /** Records a pass or a failure of a named check; returns the condition. */
  check(
    check: string,
    ok: boolean,
    details: { message: string; expected?: string; seen?: string; exchange?: Exchange },
  ): boolean;
  /** Polls until `done` holds or the budget runs out (real vendors move in real time). */
  eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, budgetMs?: number): Promise<T>;
}

export interface ContractCase {
  name: string;
  kind: 'conformance' | 'errors' | 'laws' | 'pagination';
  /** Changes state on the target: only with --allow-writes. */
  writes: boolean;
  /** Resource names the case cannot run without. */
  needs?: string[];
  run(ctx: CaseContext): Promise<void>;
}

/** A random but well-formed id that no real resource has. */
export const absentUuid = (): string =>
  `00000000-0000-4000-8000-${Math.floor(Math.random() * 1e12)
    .toString()
    .padStart(12, '0')}`;

/** The paging law every list shares: the ids read across pages name no item twice. */
export function checkNoDuplicates(ctx: CaseContext, ids: readonly string[], what: string): void {
  const duplicates = ids.length - new Set(ids).size;
  ctx.check('pagination.no-duplicates', duplicates === 0, {
    message: `no ${what} appears on two pages`,
    seen: `${duplicates} duplicate(s)`,
  });
}
