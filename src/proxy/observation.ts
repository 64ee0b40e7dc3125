// What the fixtures builders learn from: one answered operation. Bodies come from an upstream
// that may drift, so they are read with guards, never trusted to have the spec's shape.

export interface Observation {
  operationId: string;
  params: Record<string, string>;
  status: number;
  body: unknown;
  /** Wall-clock ms of the exchange. */
  at: number;
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const HW_ID = /^[0-9a-zA-Z-]{32,36}$/;

/** The fixtures schema's id shapes: a record with another id could not be loaded. */
export const isUuid = (s: string): boolean => UUID.test(s);
export const isHwId = (s: string): boolean => HW_ID.test(s);

export const asObject = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
export const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const asString = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Fixtures times are "ms before loading"; a time after `now` (clock skew) is now. */
export const ago = (now: number, at: number): number => Math.max(0, Math.round(now - at));
