// SecMaster's date format, yyyy-MM-dd'T'HH:mm:ss.SSS'Z'Z ("2026-01-15T10:00:00.000Z+0800"):
// the wall time at the given offset. flowtwin writes UTC (+0000); the real instance timestamp
// format is not documented (docs/fidelity.md).
import { isoTime } from '../../engine/clock.js';

/** Never throws: a time past the clock's range (a plan ending after 9999) prints as the range's bound. */
export function smTimestamp(ms: number): string {
  return `${isoTime(ms)}+0000`;
}

export function parseSmDate(value: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})Z([+-])(\d{2})(\d{2})$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, ms, sign, oh, om] = m;
  const wall = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!, +ms!);
  const offset = (sign === '-' ? -1 : 1) * (+oh! * 60 + +om!) * 60_000;
  return Number.isNaN(wall) ? undefined : wall - offset;
}
