// Datadog timestamps: RFC 3339 UTC with the fraction's trailing zeros trimmed, as Go's
// RFC3339Nano prints them ("2025-05-22T11:13:37.2763Z"; VENDOR-FACTS A7).
import { isoTime } from '../../engine/clock.js';

/** Never throws: a time past the clock's range (a plan ending after 9999) prints as the range's bound. */
export function ddTimestamp(ms: number): string {
  const iso = isoTime(ms);
  // By hand rather than with a regular expression: a GET formats several of these.
  let end = iso.length - 1;
  while (iso.charCodeAt(end - 1) === ZERO) end--;
  if (iso.charCodeAt(end - 1) === DOT) end--;
  return `${iso.slice(0, end)}Z`;
}

const ZERO = 48;
const DOT = 46;
