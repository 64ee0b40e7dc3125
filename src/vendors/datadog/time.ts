// Datadog timestamps: RFC 3339 UTC with the fraction's trailing zeros trimmed, as Go's
// RFC3339Nano prints them ("2025-05-22T11:13:37.2763Z"; VENDOR-FACTS A7).
export function ddTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.?0+Z$/, 'Z');
}
