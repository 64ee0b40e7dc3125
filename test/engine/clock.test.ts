import { describe, expect, it } from 'vitest';
import { ClockError, VirtualClock } from '../../src/engine/clock.js';

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

  it('resets to real time without showing an earlier time than it already showed', () => {
    const src = manualSource();
    const clock = new VirtualClock(src.now);
    clock.advance(10_000);
    clock.freeze();
    clock.reset();
    expect(clock.state()).toEqual({ now: 1_010_000, frozen: false, speed: 1 });
    src.tick(20_000);
    expect(clock.now()).toBe(1_030_000);
  });
});
