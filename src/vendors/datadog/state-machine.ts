// Datadog instance lifecycle. IN_PROGRESS and CANCELED are recorded; SUCCEEDED and FAILED are
// assumed from the list counters' names (docs/fidelity.md).
import { checkStateMachine } from '../../engine/state-machine.js';

export const datadogMachine = checkStateMachine({
  name: 'datadog.instance',
  states: ['IN_PROGRESS', 'SUCCEEDED', 'FAILED', 'CANCELED'],
  initial: 'IN_PROGRESS',
  running: ['IN_PROGRESS'],
  onSuccess: 'SUCCEEDED',
  onFailure: 'FAILED',
  terminal: ['SUCCEEDED', 'FAILED', 'CANCELED'],
  operations: {
    cancel: { from: ['IN_PROGRESS'], to: 'CANCELED', effect: 'stop' },
  },
});

export const DISPLAY_NAMES: Record<string, string> = {
  IN_PROGRESS: 'Running',
  SUCCEEDED: 'Succeeded',
  FAILED: 'Failed',
  CANCELED: 'Canceled',
};

export const STEP_STATES = {
  running: 'IN_PROGRESS',
  succeeded: 'SUCCEEDED',
  failed: 'FAILED',
  stopped: 'CANCELED',
} as const;
