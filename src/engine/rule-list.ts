// An ordered list of control-plane rules (scenarios, fault rules) with ids, hit counts and an
// optional tenant: what both books share, so each keeps only its own matching.

export interface Rule {
  id: string;
  hits: number;
  tenant?: string;
  times?: number;
}

export interface RuleListSnapshot<R> {
  seq: number;
  rules: R[];
}

/** Runs a change of shared control state so that it is stored (and retried on a lost race). */
export type Commit = <T>(mutate: () => T) => Promise<T>;

const local: Commit = async (mutate) => mutate();

export class RuleList<R extends Rule> {
  private rules: R[] = [];
  private seq = 0;
  /** Set by the composition root to write every change through the shared control state. */
  commit: Commit = local;

  constructor(private readonly prefix: string) {}

  snapshot(): RuleListSnapshot<R> {
    return { seq: this.seq, rules: this.rules.map((r) => ({ ...r })) };
  }

  load(s: RuleListSnapshot<R> | undefined): void {
    this.seq = s?.seq ?? 0;
    this.rules = s ? s.rules.map((r) => ({ ...r })) : [];
  }

  /**
   * Records a hit of the live rule with this id (after a match outside the commit);
   * undefined when another replica spent it first.
   */
  protected async fire(id: string): Promise<R | undefined> {
    return this.commit(() => {
      const live = this.rules.find((r) => r.id === id);
      return live && this.fired(live);
    });
  }

  /** An id from the same sequence, for a rule applied at once instead of kept. */
  nextId(): string {
    return `${this.prefix}-${++this.seq}`;
  }

  add(rule: Omit<R, 'id' | 'hits'>): R {
    const added = { ...rule, id: this.nextId(), hits: 0 } as R;
    this.rules.push(added);
    return { ...added };
  }

  /** Copies, in the order rules are tried; with a tenant, only the rules that can touch it. */
  list(tenant?: string): R[] {
    return this.rules
      .filter((r) => tenant === undefined || r.tenant === undefined || r.tenant === tenant)
      .map((r) => ({ ...r }));
  }

  /** The live rules, for matching; callers record a hit with `fired`. */
  entries(): readonly R[] {
    return this.rules;
  }

  /** Counts a hit; a rule whose `times` is spent is removed. */
  fired(rule: R): R {
    rule.hits++;
    if (rule.times !== undefined && rule.hits >= rule.times) this.remove(rule.id);
    return { ...rule };
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length < before;
  }

  clear(): void {
    this.rules = [];
  }
}
