// Shared checks for the control-plane scenario bodies every vendor accepts; each vendor maps its
// own outcome words (SUCCEEDED / FINISHED / ...) and id field before calling this.
import type { ScenarioSpec } from '../engine/scenarios.js';
import { ControlInputError } from './vendor.js';

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export interface ScenarioWords {
  vendor: string;
  targetField: string;
  outcomes: Record<string, ScenarioSpec['outcome']>;
  /** Field naming the failing / hanging step, per outcome. */
  stepFields: { fail: string; hang: string };
  durationsField: string;
}

export function parseScenarioInput(raw: Record<string, unknown>, words: ScenarioWords): ScenarioSpec {
  const allowed = ['vendor', words.targetField, 'outcome', words.stepFields.fail, words.stepFields.hang, words.durationsField, 'times', 'probability'];
  const unknown = Object.keys(raw).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) throw new ControlInputError(`unknown field ${unknown.join(', ')}; a ${words.vendor} scenario has ${allowed.join(', ')}`);
  const outcome = words.outcomes[String(raw.outcome)];
  if (!outcome) throw new ControlInputError(`outcome must be one of ${Object.keys(words.outcomes).join(', ')}`);
  const spec: ScenarioSpec = { vendor: words.vendor, outcome };
  const target = raw[words.targetField];
  if (target !== undefined) {
    if (typeof target !== 'string' || !UUID.test(target)) throw new ControlInputError(`${words.targetField} must be a UUID`);
    spec.target = target;
  }
  for (const kind of ['fail', 'hang'] as const) {
    const field = words.stepFields[kind];
    const value = raw[field];
    if (value === undefined) continue;
    if (outcome !== kind) throw new ControlInputError(`${field} needs outcome ${Object.entries(words.outcomes).find(([, o]) => o === kind)![0]}`);
    if (typeof value !== 'string' || value === '') throw new ControlInputError(`${field} must be a step name`);
    spec.step = value;
  }
  const durations = raw[words.durationsField];
  if (durations !== undefined) {
    const ok = typeof durations === 'object' && durations !== null && !Array.isArray(durations) && Object.values(durations).every((v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 31_536_000_000);
    if (!ok) throw new ControlInputError(`${words.durationsField} must map step names to milliseconds (integers, at most a year)`);
    spec.durationsMs = durations as Record<string, number>;
  }
  if (raw.times !== undefined) {
    if (!Number.isInteger(raw.times) || (raw.times as number) < 1) throw new ControlInputError('times must be a positive integer');
    spec.times = raw.times as number;
  }
  if (raw.probability !== undefined) {
    if (typeof raw.probability !== 'number' || !(raw.probability > 0 && raw.probability <= 1)) throw new ControlInputError('probability must be a number greater than 0 and at most 1');
    spec.probability = raw.probability;
  }
  return spec;
}
