// SecMaster's date format, yyyy-MM-dd'T'HH:mm:ss.SSS'Z'Z ("2026-01-15T18:00:00.000Z+0800"): the
// wall time at the offset, with a literal Z before it. Huawei's own code writes it with +0800 (China
// Standard Time, the zone SecMaster defaults to), so flowtwin does too (docs/fidelity.md HW-ASSUME-11).
import { isoTime } from '../../engine/clock.js';

/** UTC+8, in ms. */
const OFFSET_MS = 8 * 60 * 60 * 1000;

/** Never throws: a time past the clock's range (a plan ending after 9999) prints as the range's bound. */
export function smTimestamp(ms: number): string {
  return `${isoTime(ms + OFFSET_MS)}+0800`;
}

// What the date filters accept (the Terraform provider's documented formats): ….SSS'Z'+0800,
// …ss'Z'+0800 (no milliseconds), and ISO 8601's ….SSS+08:00.
const DATE =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:(?:\.(\d{3}))?Z([+-])(\d{2})(\d{2})|\.(\d{3})([+-])(\d{2}):(\d{2}))$/;

export function parseSmDate(value: string): number | undefined {
  const m = DATE.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  const ms = m[7] ?? m[11] ?? '0';
  const [sign, oh, om] = m[8] !== undefined ? [m[8], m[9]!, m[10]!] : [m[12]!, m[13]!, m[14]!];
  if (+mo! < 1 || +mo! > 12 || +d! < 1 || +d! > 31 || +h! > 23 || +mi! > 59 || +s! > 59 || +oh! > 23 || +om! > 59)
    return undefined;
  const wall = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!, +ms);
  // Date.UTC rolls 2026-02-31 over into March: a day its month does not have is no date.
  if (new Date(wall).getUTCDate() !== +d!) return undefined;
  const offset = (sign === '-' ? -1 : 1) * (+oh! * 60 + +om!) * 60_000;
  return Number.isNaN(wall) ? undefined : wall - offset;
}
