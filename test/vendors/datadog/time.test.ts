import { describe, expect, it } from 'vitest';
import { ddTimestamp } from '../../../src/vendors/datadog/time.js';

describe('ddTimestamp', () => {
  it('trims the fraction’s trailing zeros, and the point with them, as Go’s RFC3339Nano does', () => {
    expect(ddTimestamp(Date.parse('2025-05-22T11:13:37.276Z'))).toBe('2025-05-22T11:13:37.276Z');
    expect(ddTimestamp(Date.parse('2025-05-22T11:13:37.270Z'))).toBe('2025-05-22T11:13:37.27Z');
    expect(ddTimestamp(Date.parse('2025-05-22T11:13:37.200Z'))).toBe('2025-05-22T11:13:37.2Z');
    expect(ddTimestamp(Date.parse('2025-05-22T11:13:37.000Z'))).toBe('2025-05-22T11:13:37Z');
    // Zeros of the seconds are not the fraction's.
    expect(ddTimestamp(Date.parse('2025-05-22T11:10:00.000Z'))).toBe('2025-05-22T11:10:00Z');
    expect(ddTimestamp(Date.parse('2025-05-22T11:10:00.050Z'))).toBe('2025-05-22T11:10:00.05Z');
  });
});
