// How far each TIMER (a tenant's playbook version) has been materialized, kept in the control state
// beside the scenarios so that one compare-and-set takes a run's scenario hit and records it.
//
// Why there and not in a marker record of its own: a run's scenario hit lives in the control state,
// and only what commits in the same write as the hit can make a retry (another replica, a second
// read, a restart after a crash) find the hit instead of taking a new one. A read first *claims* the
// ticks it found due: one control write takes their hits and records them (the claim), then the
// runs are created (ids derived from the tick, so a repeat collides), then a second write moves the
// mark past them and drops the claim. Whoever comes while a claim is open gets that same claim, so
// both compute the identical plan and the loser's create collides harmlessly; a crash at any step
// leaves either nothing (redone from scratch), an open claim (redone with its recorded hits), or runs
// that exist (recreated in vain). No step can take a hit twice. The cost is one small entry per
// TIMER version since the last reset, and two control writes per read that finds new ticks; a read
// that finds none reads nothing, as the live control state already holds the marks.
import type { PlanChange } from './plan.js';
import type { Commit } from './rule-list.js';

/** One run to create: its tick and what a scenario changes of its plan (none: the plan as written). */
export interface TimerRun {
  tick: number;
  change?: PlanChange;
}

interface Claim {
  from: number;
  to: number;
  /** Only the ticks a scenario fired for, by tick. */
  changes: Record<string, PlanChange>;
}

interface Mark {
  /** Every tick up to this one has its run (or was skipped for good); -1 before the first. */
  done: number;
  claim?: Claim;
}

export interface TimerMarksSnapshot {
  marks: Record<string, Mark>;
}

/** Tenant and version, unambiguous whatever their characters. */
const keyOf = (tenant: string, version: string): string => JSON.stringify([tenant, version]);

const local: Commit = async (mutate) => mutate();

export class TimerMarks {
  private marks = new Map<string, Mark>();
  /** Set by the composition root to write every change through the shared control state. */
  commit: Commit = local;

  // Copies both ways: the live marks are changed in place inside a commit, and the control state
  // restores the snapshot it took before the change when the store refuses it.
  snapshot(): TimerMarksSnapshot {
    return { marks: structuredClone(Object.fromEntries(this.marks)) };
  }

  load(s: TimerMarksSnapshot | undefined): void {
    this.marks = new Map(Object.entries(s?.marks ?? {}).map(([k, m]) => [k, structuredClone(m)]));
  }

  /** Whether this timer has a mark: none before its first claim (or a flowtwin that kept no marks). */
  marked(tenant: string, version: string): boolean {
    return this.marks.has(keyOf(tenant, version));
  }

  /** Whether a read at `due` (the newest tick due) has anything to do: new ticks, or a claim left open. */
  pending(tenant: string, version: string, due: number): boolean {
    const mark = this.marks.get(keyOf(tenant, version));
    return mark?.claim !== undefined || due > (mark?.done ?? -1);
  }

  /**
   * Inside a commit: the runs to create for ticks up to `due`. An open claim is returned as it is
   * (its hits were taken). Otherwise the newest `budget` ticks past the mark are claimed, older ones
   * skipped for good, and `pick` chooses each one's scenario (taking its hit in the same commit).
   */
  claim(
    tenant: string,
    version: string,
    due: number,
    budget: number,
    pick: (tick: number) => PlanChange | undefined,
  ): TimerRun[] {
    const key = keyOf(tenant, version);
    const mark = this.marks.get(key) ?? { done: -1 };
    if (!mark.claim) {
      // (An open claim is what this read would get: its hits are stored, as live marks only ever are.)
      const from = Math.max(mark.done + 1, due - budget + 1, 0);
      if (from > due) return [];
      const changes: Record<string, PlanChange> = {};
      for (let tick = from; tick <= due; tick++) {
        const change = pick(tick);
        if (change) changes[tick] = planChange(change);
      }
      mark.claim = { from, to: due, changes };
      this.marks.set(key, mark);
    }
    return runsOf(mark.claim);
  }

  /**
   * The runs of a claim open in the live marks, outside a commit: live marks only ever hold what
   * was stored, so its hits were taken, and a reader that joins it needs no write of its own.
   */
  open(tenant: string, version: string): TimerRun[] | undefined {
    const claim = this.marks.get(keyOf(tenant, version))?.claim;
    return claim && runsOf(claim);
  }

  /** Whether `done` up to `to` would change anything: not when another reader of the claim already reported it. */
  undone(tenant: string, version: string, to: number): boolean {
    const mark = this.marks.get(keyOf(tenant, version));
    return mark === undefined || mark.done < to || (mark.claim !== undefined && mark.claim.to <= to);
  }

  /** Inside a commit: the runs of a claim up to `to` exist; a later claim (another read's) stays open. */
  done(tenant: string, version: string, to: number): void {
    const key = keyOf(tenant, version);
    const mark = this.marks.get(key);
    if (!mark) return;
    mark.done = Math.max(mark.done, to);
    if (mark.claim && mark.claim.to <= to) delete mark.claim;
  }

  /** A tenant's reset: its timers start over with its records. */
  forget(tenant: string): void {
    for (const key of [...this.marks.keys()]) if ((JSON.parse(key) as string[])[0] === tenant) this.marks.delete(key);
  }

  clear(): void {
    this.marks.clear();
  }
}

function runsOf({ from, to, changes }: Claim): TimerRun[] {
  return Array.from({ length: to - from + 1 }, (_, i) => {
    const change = changes[from + i];
    return change ? { tick: from + i, change } : { tick: from + i };
  });
}

/** What a plan needs of a scenario: the rule's own fields (id, hits, times) would only bloat the stored claim. */
function planChange(c: PlanChange): PlanChange {
  return {
    outcome: c.outcome,
    ...(c.step !== undefined ? { step: c.step } : {}),
    ...(c.durationsMs !== undefined ? { durationsMs: c.durationsMs } : {}),
    ...(c.outputs !== undefined ? { outputs: c.outputs } : {}),
  };
}
