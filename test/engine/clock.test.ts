import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClockBook, ClockError, MAX_ADVANCE_MS, MAX_SPEED, MAX_TIME, MIN_TIME, VirtualClock, clampTime, clockFault, isoTime } from '../../src/engine/clock.js';
import { ddTimestamp } from '../../src/vendors/datadog/time.js';
import { smTimestamp } from '../../src/vendors/secmaster/time.js';

function manualSource(start = 1_000_000) {
  let t = start;
  return { now: () => t, tick: (ms: number) => (t += ms) };
}

describe('VirtualClock', () => {
  it('follows the real-time source by default', () => {
    const src = manualSource();
    const clock = new VirtualClock(src.now);
    src.tick(250);
    expect(clock.now()).toBe(1_000_250);
  });

  it('stands still while frozen and goes on from there when resumed', () => {
    const src = manualSource();
    const clock = new VirtualClock(src.now);
    clock.freeze();
    src.tick(5_000);
    expect(clock.now()).toBe(1_000_000);
    clock.resume();
    src.tick(10);
    expect(clock.now()).toBe(1_000_010);
  });

  it('advances by the given milliseconds, frozen or not', () => {
    const src = manualSource();
    const clock = new VirtualClock(src.now);
    clock.advance(60_000);
    expect(clock.now()).toBe(1_060_000);
    clock.freeze();
    clock.advance(1);
    expect(clock.state()).toEqual({ now: 1_060_001, frozen: true, speed: 1 });
  });

  it('runs faster at a higher speed', () => {
    const src = manualSource();
    const clock = new VirtualClock(src.now);
    clock.setSpeed(10);
    src.tick(100);
    expect(clock.now()).toBe(1_001_000);
  });

  it('refuses to go backwards or to advance by a fraction', () => {
    const clock = new VirtualClock(manualSource().now);
    expect(() => clock.advance(-1)).toThrow(ClockError);
    expect(() => clock.advance(1.5)).toThrow(ClockError);
    expect(() => clock.setSpeed(0)).toThrow(ClockError);
  });

  it('resets to real time, unfrozen at speed 1, even when that is earlier than the time it showed', () => {
    const src = manualSource();
    const clock = new VirtualClock(src.now);
    clock.advance(MAX_ADVANCE_MS);
    clock.setSpeed(60);
    clock.freeze();
    clock.reset();
    expect(clock.state()).toEqual({ now: 1_000_000, frozen: false, speed: 1 });
    src.tick(20_000);
    expect(clock.now()).toBe(1_020_000);
  });
});

describe('the clock range', () => {
  it('refuses a jump over 100 years, or one past 9999-12-31T23:59:59.999Z, saying how far it can go; the clock does not move', () => {
    const src = manualSource(Date.parse('9990-01-01T00:00:00Z'));
    const clock = new VirtualClock(src.now);
    expect(() => clock.advance(9_007_199_254_740_991)).toThrow(`ms must be an integer from 0 to ${MAX_ADVANCE_MS} (100 years)`);
    const room = MAX_TIME - clock.now();
    expect(() => clock.advance(room + 1)).toThrow(
      `advancing ${room + 1} ms from 9990-01-01T00:00:00.000Z would pass 9999-12-31T23:59:59.999Z, the latest time the clock can show: advance at most ${room} ms, or reset`,
    );
    expect(clock.now()).toBe(Date.parse('9990-01-01T00:00:00Z'));
    clock.advance(room);
    expect(clock.now()).toBe(MAX_TIME);
    expect(() => clock.advance(1)).toThrow(ClockError);
    clock.advance(0);
    expect(clock.now()).toBe(MAX_TIME);
  });

  it('stands at the end of the range when a fast clock runs into it, a valid date all along', () => {
    const src = manualSource(Date.parse('2026-01-15T10:00:00Z'));
    const clock = new VirtualClock(src.now);
    clock.setSpeed(MAX_SPEED);
    // About three days of real time at the fastest speed reach the year 9999; give it a year.
    src.tick(365 * 86_400_000);
    expect(clock.now()).toBe(MAX_TIME);
    expect(isoTime(clock.now())).toBe('9999-12-31T23:59:59.999Z');
    expect(() => clock.advance(1)).toThrow(ClockError);
    clock.setSpeed(1);
    src.tick(1000);
    expect(clock.now()).toBe(MAX_TIME);
  });

  it('prints any number as an RFC 3339 time with a four-digit year, never throwing', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.constantFrom(NaN, Infinity, -Infinity, 8.64e15 + 1, 9_007_199_254_740_991 + 1_768_471_200_000)), (ms) => {
        expect(isoTime(ms)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
        expect(ddTimestamp(ms)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/);
        expect(smTimestamp(ms)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\+0800$/);
      }),
      { seed: 1, numRuns: 500 },
    );
    expect(isoTime(9_007_199_254_740_991)).toBe('9999-12-31T23:59:59.999Z');
    expect(isoTime(-8.64e15)).toBe('0000-01-01T00:00:00.000Z');
  });
});

describe('ClockBook loading a broken stored clock', () => {
  const T = Date.parse('2026-01-15T10:00:00Z');
  const sane = { anchorReal: T, anchorVirtual: T + 5000, frozen: true, speed: 1 };

  it.each([
    ['overflowed by an advance of 2^53 - 1 ms', { ...sane, anchorVirtual: T + 9_007_199_254_740_991 }, /virtual time \d+ is outside 0000-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z/],
    ['NaN, stored by JSON as null', { ...sane, anchorVirtual: null }, /virtual time null is outside/],
    ['a speed out of range', { ...sane, speed: 0 }, /speed 0 is outside \(0, 1000000\]/],
    ['missing', undefined, /not an object/],
  ])('repairs a global clock %s: back to real time, and says so', (_name, global, reason) => {
    const warnings: string[] = [];
    const book = new ClockBook(() => T, (m) => warnings.push(m));
    book.load({ global: global as never, tenants: { t1: sane } });
    expect(book.global.state()).toEqual({ now: T, frozen: false, speed: 1 });
    expect(book.now('t1')).toBe(T + 5000);
    expect(book.repairs).toBe(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(reason);
    expect(warnings[0]).toMatch(/^the stored global clock was broken \(.*\); repaired: back to real time, 2026-01-15T10:00:00.000Z$/);
  });

  it("drops a tenant's broken clock, so that tenant follows the global one, and keeps the others", () => {
    const warnings: string[] = [];
    const book = new ClockBook(() => T, (m) => warnings.push(m));
    book.load({ global: sane, tenants: { bad: { ...sane, anchorVirtual: 9e15 }, good: { ...sane, anchorVirtual: T + 7000 } } });
    expect(book.has('bad')).toBe(false);
    expect(book.now('bad')).toBe(T + 5000);
    expect(book.now('good')).toBe(T + 7000);
    expect(warnings).toEqual(['the stored clock of tenant bad was broken (virtual time 9000000000000000 is outside 0000-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z); repaired: dropped, the tenant follows the global clock']);
  });

  it('shows whole milliseconds on a time source with microseconds (Redis TIME), and another replica adopts its clock unrepaired', () => {
    const source = () => T + 0.344;
    const warnings: string[] = [];
    const one = new ClockBook(source, (m) => warnings.push(m));
    one.global.freeze();
    expect(one.global.state()).toEqual({ now: T, frozen: true, speed: 1 });
    one.global.advance(30_000);
    const other = new ClockBook(source, (m) => warnings.push(m));
    other.load(one.snapshot());
    expect(other.now()).toBe(T + 30_000);
    // One stored by 0.1.0 with a fraction is adopted too: a repair would undo the advance on every other replica.
    other.load({ global: { ...sane, anchorVirtual: T + 30_000.344 }, tenants: {} });
    expect(other.now()).toBe(T + 30_000);
    expect(warnings).toEqual([]);
  });

  it('adopts a sane stored clock as it is, reporting nothing', () => {
    const warnings: string[] = [];
    const book = new ClockBook(() => T, (m) => warnings.push(m));
    book.load({ global: { ...sane, anchorVirtual: MAX_TIME }, tenants: {} });
    expect(book.now()).toBe(MAX_TIME);
    expect(book.repairs).toBe(0);
    expect(warnings).toEqual([]);
  });
});

describe('clockFault: what a stored clock may hold', () => {
  const sane = { anchorReal: 1_700_000_000_000, anchorVirtual: 1_767_261_600_000, frozen: false, speed: 1 };
  const range = `${new Date(MIN_TIME).toISOString()} to ${new Date(MAX_TIME).toISOString()}`;

  it('accepts the range bounds, a fraction, the top speed and a frozen clock', () => {
    for (const ok of [
      sane,
      { ...sane, anchorVirtual: MIN_TIME },
      { ...sane, anchorVirtual: MAX_TIME },
      { ...sane, anchorVirtual: sane.anchorVirtual + 0.5 },
      { ...sane, speed: MAX_SPEED },
      { ...sane, frozen: true },
    ]) {
      expect(clockFault(ok), JSON.stringify(ok)).toBeUndefined();
    }
  });

  it('names the field that is broken', () => {
    const cases: [unknown, string][] = [
      [null, 'not an object'],
      ['x', 'not an object'],
      [{ ...sane, anchorVirtual: MIN_TIME - 1 }, `virtual time ${MIN_TIME - 1} is outside ${range}`],
      [{ ...sane, anchorVirtual: MAX_TIME + 1 }, `virtual time ${MAX_TIME + 1} is outside ${range}`],
      [{ ...sane, anchorVirtual: '1' }, `virtual time 1 is outside ${range}`],
      [{ ...sane, anchorVirtual: Infinity }, `virtual time Infinity is outside ${range}`],
      [{ ...sane, anchorReal: '1' }, 'real anchor 1 is not a time'],
      [{ ...sane, anchorReal: NaN }, 'real anchor NaN is not a time'],
      [{ ...sane, frozen: 'no' }, 'frozen no is not a boolean'],
      [{ ...sane, speed: 0 }, `speed 0 is outside (0, ${MAX_SPEED}]`],
      [{ ...sane, speed: MAX_SPEED + 1 }, `speed ${MAX_SPEED + 1} is outside (0, ${MAX_SPEED}]`],
      [{ ...sane, speed: '2' }, `speed 2 is outside (0, ${MAX_SPEED}]`],
    ];
    for (const [stored, fault] of cases) expect(clockFault(stored), JSON.stringify(stored)).toBe(fault);
  });

  it('keeps times inside the range with clampTime', () => {
    expect([clampTime(MIN_TIME - 1), clampTime(MIN_TIME), clampTime(MAX_TIME), clampTime(MAX_TIME + 1), clampTime(NaN)]).toEqual([MIN_TIME, MIN_TIME, MAX_TIME, MAX_TIME, MIN_TIME]);
  });
});
