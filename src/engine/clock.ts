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

/**
 * The range virtual time stays in: the times a JS Date prints as RFC 3339 with a four-digit year,
 * which is what every vendor's timestamp format (and the specs' `date-time`) can say. Beyond it
 * `toISOString` prints `+010000-…` and, from 8.64e15, throws, which once made every answer a 500.
 */
export const MIN_TIME = -62_167_219_200_000; // 0000-01-01T00:00:00.000Z
export const MAX_TIME = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z
/** The longest single jump (100 years): the control spec's `maximum` for AdvanceClock's `ms`. */
export const MAX_ADVANCE_MS = 3_155_760_000_000;
/**
 * The fastest speed: the control spec's `maximum` for SetClockSpeed. At it, a clock started in 2026
 * reaches MAX_TIME after about three days of real time; `now()` then stands at MAX_TIME.
 */
export const MAX_SPEED = 1_000_000;

const RANGE = `${new Date(MIN_TIME).toISOString()} to ${new Date(MAX_TIME).toISOString()}`;

/** Keeps a time inside the clock's range (NaN, which no clock produces, counts as the start). */
export function clampTime(ms: number): number {
  return ms > MAX_TIME ? MAX_TIME : ms >= MIN_TIME ? ms : MIN_TIME;
}

/**
 * RFC 3339 UTC for any number: times past the clock's range (a plan ending after 9999)
 * print as its bound, never throw.
 */
export function isoTime(ms: number): string {
  return new Date(clampTime(ms)).toISOString();
}

/** Why a stored clock cannot be adopted (an older flowtwin let one leave the range), or undefined when it can. */
export function clockFault(s: unknown): string | undefined {
  if (typeof s !== 'object' || s === null) return 'not an object';
  const { anchorReal, anchorVirtual, frozen, speed } = s as Record<string, unknown>;
  // A fraction is harmless (`now()` floors it) and was stored by flowtwin 0.1.0 on a Redis store's time:
  // repairing it would throw away the clock's advance on every other replica.
  if (
    typeof anchorVirtual !== 'number' ||
    !Number.isFinite(anchorVirtual) ||
    anchorVirtual < MIN_TIME ||
    anchorVirtual > MAX_TIME
  ) {
    return `virtual time ${String(anchorVirtual)} is outside ${RANGE}`;
  }
  if (typeof anchorReal !== 'number' || !Number.isFinite(anchorReal))
    return `real anchor ${String(anchorReal)} is not a time`;
  if (typeof frozen !== 'boolean') return `frozen ${String(frozen)} is not a boolean`;
  if (typeof speed !== 'number' || !(speed > 0 && speed <= MAX_SPEED))
    return `speed ${String(speed)} is outside (0, ${MAX_SPEED}]`;
  return undefined;
}

/** What a clock is, as data: replicas sharing a store rebuild the same clock from it. */
export interface ClockSnapshot {
  anchorReal: number;
  anchorVirtual: number;
  frozen: boolean;
  speed: number;
}

/**
 * Real time by default; can be frozen, advanced and sped up. Never goes backwards, and never
 * leaves [MIN_TIME, MAX_TIME]: an advance past MAX_TIME is refused, and a fast clock that runs
 * into it stands there (as if frozen) rather than show a time no vendor format can print.
 */
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
    // A store's time has microseconds (Redis TIME); the clock shows, and stores, whole milliseconds.
    this.anchorVirtual = clampTime(Math.floor(start ?? this.anchorReal));
  }

  now(): number {
    if (this.frozen) return Math.floor(this.anchorVirtual);
    return clampTime(Math.floor(this.anchorVirtual + (this.source() - this.anchorReal) * this.speed));
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
    if (!Number.isSafeInteger(ms) || ms < 0 || ms > MAX_ADVANCE_MS)
      throw new ClockError(`ms must be an integer from 0 to ${MAX_ADVANCE_MS} (100 years)`);
    const now = this.now();
    if (ms > MAX_TIME - now) {
      throw new ClockError(
        `advancing ${ms} ms from ${new Date(now).toISOString()} would pass ${new Date(MAX_TIME).toISOString()}, ` +
          `the latest time the clock can show: advance at most ${MAX_TIME - now} ms, or reset`,
      );
    }
    this.reanchor();
    this.anchorVirtual += ms;
  }

  setSpeed(speed: number): void {
    if (!Number.isFinite(speed) || speed <= 0 || speed > MAX_SPEED) {
      throw new ClockError(`speed must be a number greater than 0 and at most ${MAX_SPEED}`);
    }
    this.reanchor();
    this.speed = speed;
  }

  /**
   * Back to real time, unfrozen, speed 1, even when that is earlier than the time shown: a reset
   * empties the store along with it, so nothing stored is later, and it is the way back from a
   * far advance.
   */
  reset(): void {
    this.frozen = false;
    this.speed = 1;
    this.anchorReal = this.source();
    this.anchorVirtual = clampTime(Math.floor(this.anchorReal));
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
  /** How many broken stored clocks `load` has replaced, so the composition root can store the repair. */
  repairs = 0;

  constructor(
    private readonly source: TimeSource,
    /** Where a repaired clock is reported: an operator should learn that a stored state was broken. */
    private readonly warn: (message: string) => void = (m) => console.error(`flowtwin: warning: ${m}`),
  ) {
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
    return {
      global: this.global.snapshot(),
      tenants: Object.fromEntries([...this.tenants].map(([t, c]) => [t, c.snapshot()])),
    };
  }

  /**
   * Adopts a shared state; nothing shared yet means real time. A stored clock outside the range
   * (written by a flowtwin that let `advance` overflow) would fail every answer, so it is repaired
   * instead, and reported: the global one goes back to real time, a tenant's own is dropped (the
   * tenant follows the global clock, as after a reset of that tenant).
   */
  load(s: ClockBookSnapshot | undefined): void {
    if (!s) return this.reset();
    const globalFault = clockFault(s.global);
    if (globalFault === undefined) this.global.load(s.global);
    else {
      this.global.reset();
      this.repaired(
        `the stored global clock was broken (${globalFault}); ` +
          `repaired: back to real time, ${isoTime(this.global.now())}`,
      );
    }
    this.tenants.clear();
    const tenants = typeof s.tenants === 'object' && s.tenants !== null ? Object.entries(s.tenants) : [];
    for (const [tenant, c] of tenants) {
      const fault = clockFault(c);
      if (fault !== undefined) {
        this.repaired(
          `the stored clock of tenant ${tenant} was broken (${fault}); ` +
            'repaired: dropped, the tenant follows the global clock',
        );
        continue;
      }
      const clock = new VirtualClock(this.source);
      clock.load(c);
      this.tenants.set(tenant, clock);
    }
  }

  /** One tenant back to the global clock, or every clock back to real time (see VirtualClock.reset). */
  reset(tenant?: string): void {
    if (tenant !== undefined) {
      this.tenants.delete(tenant);
      return;
    }
    this.global.reset();
    this.tenants.clear();
  }

  private repaired(message: string): void {
    this.repairs++;
    this.warn(message);
  }
}
