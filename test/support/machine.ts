// A small lifecycle for engine and store tests: one running state, three ends, and a cancel.
import { checkStateMachine } from '../../src/engine/state-machine.js';

export const cancelMachine = (name: string) =>
  checkStateMachine({
    name,
    states: ['RUNNING', 'DONE', 'FAILED', 'CANCELED'],
    initial: 'RUNNING',
    running: ['RUNNING'],
    onSuccess: 'DONE',
    onFailure: 'FAILED',
    terminal: ['DONE', 'FAILED', 'CANCELED'],
    operations: { cancel: { from: ['RUNNING'], to: 'CANCELED', effect: 'stop' } },
  });
