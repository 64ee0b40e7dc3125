// The reference model: what a client has been told. Each instance keeps the last status it was seen
// in; every later sighting must be reachable from it in the vendor's state table, by the moves that
// happen on their own (a run ends, TERMINATING settles) or by the one operation acknowledged.
import type { StateMachine } from '../../src/engine/state-machine.js';
import { datadogMachine } from '../../src/vendors/datadog/state-machine.js';
import { secmasterMachine } from '../../src/vendors/secmaster/state-machine.js';

export type Vendor = 'datadog' | 'secmaster';

export interface ModelInstance {
  vendor: Vendor;
  id: string;
  /** The Datadog workflow it runs; SecMaster runs all live in one workspace. */
  workflow?: string;
  /** The status last seen, and the statuses seen so far (for the failure message). */
  last: string;
  seen: string[];
}

export interface Model {
  workflows: string[];
  instances: ModelInstance[];
  /** Ids a reset took away: every replica must now say they do not exist. */
  gone: ModelInstance[];
}

export const MACHINES: Record<Vendor, StateMachine> = { datadog: datadogMachine, secmaster: secmasterMachine };

export const emptyModel = (): Model => ({ workflows: [], instances: [], gone: [] });

/** The states a machine can reach from `state` with no operation: a running plan ends, an operation's transition settles. */
export function onItsOwn(machine: StateMachine, state: string): Set<string> {
  const reached = new Set([state]);
  const queue = [state];
  while (queue.length > 0) {
    const s = queue.shift()!;
    const next: string[] = [];
    if (machine.running.includes(s)) next.push(machine.onSuccess, machine.onFailure);
    for (const rule of Object.values(machine.operations)) if (rule.to === s && rule.settle) next.push(rule.settle.to);
    for (const n of next) {
      if (reached.has(n)) continue;
      reached.add(n);
      queue.push(n);
    }
  }
  return reached;
}

const history = (i: ModelInstance, next: string) => `${i.vendor} instance ${i.id} was seen ${[...i.seen, next].join(' -> ')}`;

/** A sighting with no operation in between: throws unless the table lets the instance get there on its own. */
export function sighted(i: ModelInstance, status: string): void {
  if (!onItsOwn(MACHINES[i.vendor], i.last).has(status)) throw new Error(`${history(i, status)}: ${i.last} -> ${status} is no path in the state table`);
  see(i, status);
}

/**
 * An operation answered 200 and left the instance in `after` (the answer's status, or the rule's
 * target when the answer has none): some state reachable on its own from the last sighting must
 * allow it, and the answer must be the rule's target.
 */
export function operated(i: ModelInstance, operation: string, after: string): void {
  const machine = MACHINES[i.vendor];
  const rule = machine.operations[operation]!;
  const possible = [...onItsOwn(machine, i.last)];
  if (!possible.some((s) => rule.from.includes(s))) {
    throw new Error(`${history(i, after)}: ${operation} succeeded, but none of ${possible.join(', ')} (reachable from ${i.last}) allows it`);
  }
  if (after !== rule.to) throw new Error(`${history(i, after)}: ${operation} answered ${after}, the table says ${rule.to}`);
  see(i, after);
}

/** An operation was refused, saying the instance was in `state`: a state the instance could be in, and one the table refuses it from. */
export function refused(i: ModelInstance, operation: string, state: string): void {
  const rule = MACHINES[i.vendor].operations[operation]!;
  if (rule.from.includes(state)) throw new Error(`${history(i, state)}: ${operation} was refused in ${state}, which the table allows it from`);
  sighted(i, state);
}

function see(i: ModelInstance, status: string): void {
  i.last = status;
  if (i.seen.at(-1) !== status) i.seen.push(status);
}
