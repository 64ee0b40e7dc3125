// The options startFlowtwin and interceptVendors share, turned into flowtwin's own: which fixtures,
// and a clock that starts frozen at a chosen time.
import { readFileSync } from 'node:fs';
import type { FlowtwinOptions, Flowtwin } from '../http/app.js';
import { MAX_TIME, MIN_TIME } from '../engine/clock.js';
import { DEFAULT_FIXTURES } from '../serve.js';

export interface TestFlowtwinOptions extends Omit<FlowtwinOptions, 'fixtures' | 'now'> {
  /** The default fixtures (true, the default), none (false: start empty), or your own fixtures document or its path. */
  seed?: boolean | string | Record<string, unknown>;
  /** Start with the clock frozen at this time (ISO 8601 or epoch ms); the fixtures are placed relative to it. */
  frozenAt?: string | number;
}

export interface Prepared<T extends TestFlowtwinOptions> {
  options: Omit<T, 'seed' | 'frozenAt'> & Pick<FlowtwinOptions, 'fixtures' | 'now'>;
  /** Freezes the clock if asked, then lets the wall clock be real time again. */
  started(flowtwin: Flowtwin): Promise<void>;
}

function fixturesOf(seed: TestFlowtwinOptions['seed']): Record<string, unknown> | undefined {
  if (seed === false) return undefined;
  if (seed === undefined || seed === true) seed = DEFAULT_FIXTURES;
  return typeof seed === 'string' ? (JSON.parse(readFileSync(seed, 'utf8')) as Record<string, unknown>) : seed;
}

function epochOf(frozenAt: string | number): number {
  const at = typeof frozenAt === 'number' ? frozenAt : Date.parse(frozenAt);
  // The clock's own range: a start outside it could not be printed in any vendor's time format.
  if (!Number.isSafeInteger(at) || at < MIN_TIME || at > MAX_TIME) {
    throw new TypeError(
      `frozenAt must be an ISO 8601 time or epoch milliseconds from ${MIN_TIME} (year 0000) ` +
        `to ${MAX_TIME} (year 9999), not ${String(frozenAt)}`,
    );
  }
  return at;
}

export function prepare<T extends TestFlowtwinOptions>({ seed, frozenAt, ...rest }: T): Prepared<T> {
  const fixtures = fixturesOf(seed);
  const startAt = frozenAt === undefined ? undefined : epochOf(frozenAt);
  // Until flowtwin has started (and seeded its fixtures), time stands at `startAt`; once its clock
  // is frozen there it no longer reads this source, which then gives real time again for what reads
  // the wall clock (Huawei signature dates, a resumed clock).
  let source: () => number = startAt === undefined ? Date.now : () => startAt;
  return {
    options: { ...rest, now: () => source(), ...(fixtures ? { fixtures } : {}) },
    async started(flowtwin) {
      if (startAt !== undefined) await flowtwin.control.change(() => flowtwin.clock.freeze());
      source = Date.now;
    },
  };
}
