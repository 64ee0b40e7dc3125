// Shared checks for the control-plane scenario bodies every vendor accepts; each vendor maps its
// own outcome words (SUCCEEDED / FINISHED / ...) and id field before calling this.
import { IllegalOperation, InstanceNotFound } from '../engine/errors.js';
import type { InstanceEngine, InstanceView } from '../engine/instances.js';
import type { PlanChange } from '../engine/plan.js';
import type { ScenarioSpec } from '../engine/scenarios.js';
import { ControlInputError } from './vendor.js';

const MAX_OUTPUTS_BYTES = 64 * 1024;

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
  const allowed = [
    'vendor',
    words.targetField,
    'instance_id',
    'outcome',
    words.stepFields.fail,
    words.stepFields.hang,
    words.durationsField,
    'outputs',
    'times',
    'probability',
  ];
  const unknown = Object.keys(raw).filter((k) => !allowed.includes(k));
  if (unknown.length > 0)
    throw new ControlInputError(
      `unknown field ${unknown.join(', ')}; a ${words.vendor} scenario has ${allowed.join(', ')}`,
    );
  const outcome = words.outcomes[String(raw.outcome)];
  if (!outcome) throw new ControlInputError(`outcome must be one of ${Object.keys(words.outcomes).join(', ')}`);
  const spec: ScenarioSpec = { vendor: words.vendor, outcome };
  const target = raw[words.targetField];
  if (target !== undefined) {
    if (typeof target !== 'string' || !UUID.test(target))
      throw new ControlInputError(`${words.targetField} must be a UUID`);
    spec.target = target;
  }
  if (raw.instance_id !== undefined) {
    if (typeof raw.instance_id !== 'string' || !UUID.test(raw.instance_id))
      throw new ControlInputError('instance_id must be a UUID');
    const clash = [words.targetField, 'times', 'probability'].filter((f) => raw[f] !== undefined);
    if (clash.length > 0)
      throw new ControlInputError(`a scenario for one instance (instance_id) takes no ${clash.join(', ')}`);
    spec.instance = raw.instance_id;
  }
  for (const kind of ['fail', 'hang'] as const) {
    const field = words.stepFields[kind];
    const value = raw[field];
    if (value === undefined) continue;
    if (outcome !== kind)
      throw new ControlInputError(
        `${field} needs outcome ${Object.entries(words.outcomes).find(([, o]) => o === kind)![0]}`,
      );
    if (typeof value !== 'string' || value === '') throw new ControlInputError(`${field} must be a step name`);
    spec.step = value;
  }
  const durations = raw[words.durationsField];
  if (durations !== undefined) {
    const ok =
      typeof durations === 'object' &&
      durations !== null &&
      !Array.isArray(durations) &&
      Object.values(durations).every(
        (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 31_536_000_000,
      );
    if (!ok)
      throw new ControlInputError(
        `${words.durationsField} must map step names to milliseconds (integers, at most a year)`,
      );
    spec.durationsMs = durations as Record<string, number>;
  }
  if (raw.outputs !== undefined) {
    if (typeof raw.outputs !== 'object' || raw.outputs === null || Array.isArray(raw.outputs))
      throw new ControlInputError('outputs must be a JSON object');
    if (Buffer.byteLength(JSON.stringify(raw.outputs)) > MAX_OUTPUTS_BYTES)
      throw new ControlInputError(`outputs must be at most ${MAX_OUTPUTS_BYTES} bytes of JSON`);
    spec.outputs = raw.outputs as Record<string, unknown>;
  }
  if (raw.times !== undefined) {
    if (!Number.isInteger(raw.times) || (raw.times as number) < 1)
      throw new ControlInputError('times must be a positive integer');
    spec.times = raw.times as number;
  }
  if (raw.probability !== undefined) {
    if (typeof raw.probability !== 'number' || !(raw.probability > 0 && raw.probability <= 1))
      throw new ControlInputError('probability must be a number greater than 0 and at most 1');
    spec.probability = raw.probability;
  }
  return spec;
}

/**
 * Applies a scenario to one running instance of a tenant. `toPlan` translates the vendor's names
 * (SecMaster's action names) into the plan's; engine refusals become 404 / 409 control errors.
 */
export async function steerInstance<A>(
  engine: InstanceEngine<A>,
  tenant: string,
  spec: ScenarioSpec,
  toPlan: (view: InstanceView<A>, change: PlanChange) => PlanChange = (_view, change) => change,
): Promise<void> {
  const id = spec.instance!;
  const view = await engine.get(tenant, id);
  if (!view)
    throw new ControlInputError(`no ${spec.vendor} instance ${id} belongs to the tenant of these credentials`, 404);
  const change: PlanChange = { outcome: spec.outcome };
  if (spec.step !== undefined) change.step = spec.step;
  if (spec.durationsMs !== undefined) change.durationsMs = spec.durationsMs;
  if (spec.outputs !== undefined) change.outputs = spec.outputs;
  try {
    await engine.steer(tenant, id, toPlan(view, change));
  } catch (err) {
    if (err instanceof InstanceNotFound)
      throw new ControlInputError(`no ${spec.vendor} instance ${id} belongs to the tenant of these credentials`, 404);
    if (err instanceof IllegalOperation)
      throw new ControlInputError(`instance ${id} is ${err.state}: only a running instance can be steered`, 409);
    throw err;
  }
}
