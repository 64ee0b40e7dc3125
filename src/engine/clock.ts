// The virtual clock every status is projected against. It never reads the wall clock itself:
// the real-time source is injected, so tests and replicas can supply their own.

export type TimeSource = () => number;

export interface Clock {
  /** Virtual now; a tenant with a clock of its own sees that one. */
  now(tenant?: string): number;
}

export interface ClockState {
  now: number;
  frozen: boolean;
  speed: number;
}

export class ClockError extends Error {}

/** What a clock is, as data: replicas sharing a store rebuild the same clock from it. */
export interface ClockSnapshot {
  anchorReal: number;
  anchorVirtual: number;
  frozen: boolean;
  speed: number;
}

/** Real time by default; can be frozen, advanced and sped up. Never goes backwards. */
export class VirtualClock implements Clock {
  private anchorReal: number;
  private anchorVirtual: number;
  private frozen = false;
  private speed = 1;

  constructor(
    private readonly source: TimeSource,
    start?: number,
  ) {
    this.anchorReal = source();
    this.anchorVirtual = start ?? this.anchorReal;
  }

  now(): number {
    if (this.frozen) return this.anchorVirtual;
    return Math.floor(this.anchorVirtual + (this.source() - this.anchorReal) * this.speed);
  }

  state(): ClockState {
    return { now: this.now(), frozen: this.frozen, speed: this.speed };
  }

  freeze(): void {
    this.reanchor();
    this.frozen = true;
  }

  resume(): void {
    this.reanchor();
    this.frozen = false;
  }

  advance(ms: number): void {
    if (!Number.isSafeInteger(ms) || ms < 0) throw new ClockError('ms must be a non-negative integer');
    this.reanchor();
    this.anchorVirtual += ms;
  }

  setSpeed(speed: number): void {
    if (!Number.isFinite(speed) || speed <= 0 || speed > 1_000_000) {
      throw new ClockError('speed must be a number greater than 0 and at most 1000000');
    }
    this.reanchor();
    this.speed = speed;
  }

  /** Back to real time, unfrozen, speed 1 — but never earlier than virtual time already shown. */
  reset(): void {
    const shown = this.now();
    this.frozen = false;
    this.speed = 1;
    this.anchorReal = this.source();
    this.anchorVirtual = Math.max(this.anchorReal, shown);
  }

  snapshot(): ClockSnapshot {
    return { anchorReal: this.anchorReal, anchorVirtual: this.anchorVirtual, frozen: this.frozen, speed: this.speed };
  }

  load(s: ClockSnapshot): void {
    this.anchorReal = s.anchorReal;
    this.anchorVirtual = s.anchorVirtual;
    this.frozen = s.frozen;
    this.speed = s.speed;
  }

  private reanchor(): void {
    this.anchorVirtual = this.now();
    this.anchorReal = this.source();
  }
}

export interface ClockBookSnapshot {
  global: ClockSnapshot;
  tenants: Record<string, ClockSnapshot>;
}

/**
 * The global clock plus a clock per tenant that asked for one, so parallel test suites sharing a
 * flowtwin can each freeze or advance time without moving the others'.
 */
export class ClockBook implements Clock {
  readonly global: VirtualClock;
  private readonly tenants = new Map<string, VirtualClock>();

  constructor(private readonly source: TimeSource) {
    this.global = new VirtualClock(source);
  }

  now(tenant?: string): number {
    const own = tenant === undefined ? undefined : this.tenants.get(tenant);
    return (own ?? this.global).now();
  }

  /** The tenant's own clock (created at the global time on first use), or the global one. */
  of(tenant?: string): VirtualClock {
    if (tenant === undefined) return this.global;
    let clock = this.tenants.get(tenant);
    if (!clock) this.tenants.set(tenant, (clock = new VirtualClock(this.source, this.global.now())));
    return clock;
  }

  has(tenant: string): boolean {
    return this.tenants.has(tenant);
  }

  snapshot(): ClockBookSnapshot {
    return { global: this.global.snapshot(), tenants: Object.fromEntries([...this.tenants].map(([t, c]) => [t, c.snapshot()])) };
  }

  /** Adopts a shared state; nothing shared yet means real time (but never back before what was shown). */
  load(s: ClockBookSnapshot | undefined): void {
    if (!s) return this.reset();
    this.global.load(s.global);
    this.tenants.clear();
    for (const [tenant, c] of Object.entries(s.tenants)) {
      const clock = new VirtualClock(this.source);
      clock.load(c);
      this.tenants.set(tenant, clock);
    }
  }

  /** One tenant back to the global clock, or every clock back to real time. */
  reset(tenant?: string): void {
    if (tenant !== undefined) {
      this.tenants.delete(tenant);
      return;
    }
    this.global.reset();
    this.tenants.clear();
  }
}
