// SecMaster playbook instance lifecycle (VENDOR-FACTS B6). The six statuses are documented; the
// transitions between them, and the settle delays, are assumptions (docs/fidelity.md).
import { checkStateMachine } from '../../engine/state-machine.js';

export const TERMINATE_SETTLE_MS = 2000;
export const RETRY_SETTLE_MS = 1000;

export const secmasterMachine = checkStateMachine({
  name: 'secmaster.instance',
  states: ['RUNNING', 'FINISHED', 'FAILED', 'RETRYING', 'TERMINATING', 'TERMINATED'],
  initial: 'RUNNING',
  running: ['RUNNING'],
  onSuccess: 'FINISHED',
  onFailure: 'FAILED',
  // FAILED is not terminal: RETRY leaves it.
  terminal: ['FINISHED', 'TERMINATED'],
  operations: {
    TERMINATE: {
      from: ['RUNNING', 'RETRYING'],
      to: 'TERMINATING',
      effect: 'stop',
      settle: { afterMs: TERMINATE_SETTLE_MS, to: 'TERMINATED' },
    },
    RETRY: { from: ['FAILED'], to: 'RETRYING', effect: 'rerun', settle: { afterMs: RETRY_SETTLE_MS, to: 'RUNNING' } },
  },
});

/** Status of one action (audit log / topology node) by the engine's step phase. */
export const ACTION_STATUS = {
  running: 'RUNNING',
  succeeded: 'FINISHED',
  failed: 'FAILED',
  stopped: 'TERMINATED',
} as const;
