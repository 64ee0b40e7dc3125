// The virtual clock every status is projected against. It never reads the wall clock itself:
// the real-time source is injected, so tests and replicas can supply their own.

export type TimeSource = () => number;

export interface Clock {
  now(): number;
}

export interface ClockState {
  now: number;
  frozen: boolean;
  speed: number;
}

export class ClockError extends Error {}

/** Real time by default; can be frozen, advanced and sped up. Never goes backwards. */
export class VirtualClock implements Clock {
  private anchorReal: number;
  private anchorVirtual: number;
  private frozen = false;
  private speed = 1;

  constructor(private readonly source: TimeSource) {
    this.anchorReal = source();
    this.anchorVirtual = this.anchorReal;
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

  private reanchor(): void {
    this.anchorVirtual = this.now();
    this.anchorReal = this.source();
  }
}
