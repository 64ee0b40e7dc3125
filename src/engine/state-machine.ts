// Each vendor declares its instance lifecycle as data. The engine checks every operation against
// this one table, and the projection replays the same table, so the two can never disagree.

export interface OperationRule {
  /** States from which the operation is legal. */
  from: readonly string[];
  /** State entered at once. */
  to: string;
  /** What happens to the running plan: stop it, run it again from what did not succeed, or nothing. */
  effect: 'stop' | 'rerun' | 'none';
  /** A follow-up transition after a delay (TERMINATING -> TERMINATED, RETRYING -> RUNNING). */
  settle?: { afterMs: number; to: string };
}

export interface StateMachine {
  name: string;
  states: readonly string[];
  /** State of a new instance; its plan is running. */
  initial: string;
  /** States in which the plan is executing. */
  running: readonly string[];
  onSuccess: string;
  onFailure: string;
  /** States no operation leaves (a failed-but-retryable state is not terminal). */
  terminal: readonly string[];
  operations: Readonly<Record<string, OperationRule>>;
}

/** Throws when the table refers to states it does not declare, or lets a terminal state move. */
export function checkStateMachine(machine: StateMachine): StateMachine {
  const known = new Set(machine.states);
  const need = (state: string, where: string): void => {
    if (!known.has(state)) throw new Error(`${machine.name}: ${where} names unknown state ${state}`);
  };
  need(machine.initial, 'initial');
  need(machine.onSuccess, 'onSuccess');
  need(machine.onFailure, 'onFailure');
  machine.running.forEach((s) => need(s, 'running'));
  machine.terminal.forEach((s) => need(s, 'terminal'));
  for (const [op, rule] of Object.entries(machine.operations)) {
    rule.from.forEach((s) => need(s, `operation ${op}.from`));
    need(rule.to, `operation ${op}.to`);
    if (rule.settle) need(rule.settle.to, `operation ${op}.settle`);
    const fromTerminal = rule.from.filter((s) => machine.terminal.includes(s));
    if (fromTerminal.length > 0)
      throw new Error(`${machine.name}: ${op} moves terminal state ${fromTerminal.join(', ')}`);
  }
  return machine;
}

export function isLegal(machine: StateMachine, operation: string, state: string): boolean {
  return machine.operations[operation]?.from.includes(state) ?? false;
}
