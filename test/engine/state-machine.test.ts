import { describe, expect, it } from 'vitest';
import { checkStateMachine, isLegal, type StateMachine } from '../../src/engine/state-machine.js';
import { datadogMachine } from '../../src/vendors/datadog/state-machine.js';
import { secmasterMachine } from '../../src/vendors/secmaster/state-machine.js';

const valid: StateMachine = {
  name: 'test.instance',
  states: ['RUNNING', 'DONE', 'FAILED', 'STOPPING', 'STOPPED'],
  initial: 'RUNNING',
  running: ['RUNNING'],
  onSuccess: 'DONE',
  onFailure: 'FAILED',
  terminal: ['DONE', 'STOPPED'],
  operations: {
    stop: { from: ['RUNNING'], to: 'STOPPING', effect: 'stop', settle: { afterMs: 10, to: 'STOPPED' } },
    retry: { from: ['FAILED'], to: 'RUNNING', effect: 'rerun' },
  },
};

describe('checkStateMachine', () => {
  it('returns a sound table as it is', () => {
    expect(checkStateMachine(valid)).toBe(valid);
  });

  it.each([
    ['initial', { initial: 'NEW' }, 'test.instance: initial names unknown state NEW'],
    ['onSuccess', { onSuccess: 'OK' }, 'test.instance: onSuccess names unknown state OK'],
    ['onFailure', { onFailure: 'KO' }, 'test.instance: onFailure names unknown state KO'],
    ['running', { running: ['RUNNING', 'BUSY'] }, 'test.instance: running names unknown state BUSY'],
    ['terminal', { terminal: ['DONE', 'GONE'] }, 'test.instance: terminal names unknown state GONE'],
    [
      'an operation’s from',
      { operations: { stop: { from: ['IDLE'], to: 'STOPPED', effect: 'stop' } } },
      'test.instance: operation stop.from names unknown state IDLE',
    ],
    [
      'an operation’s to',
      { operations: { stop: { from: ['RUNNING'], to: 'HALTED', effect: 'stop' } } },
      'test.instance: operation stop.to names unknown state HALTED',
    ],
    [
      'an operation’s settle',
      { operations: { stop: { from: ['RUNNING'], to: 'STOPPING', effect: 'stop', settle: { afterMs: 1, to: 'HALTED' } } } },
      'test.instance: operation stop.settle names unknown state HALTED',
    ],
  ] as const)('refuses a table whose %s names a state it does not declare', (_where, change, message) => {
    expect(() => checkStateMachine({ ...valid, ...change } as StateMachine)).toThrow(new Error(message));
  });

  it('refuses an operation that would move a terminal state, naming them', () => {
    const table = { ...valid, operations: { reopen: { from: ['FAILED', 'DONE', 'STOPPED'], to: 'RUNNING', effect: 'rerun' as const } } };
    expect(() => checkStateMachine(table)).toThrow(new Error('test.instance: reopen moves terminal state DONE, STOPPED'));
    const one = { ...valid, operations: { reopen: { from: ['DONE'], to: 'RUNNING', effect: 'rerun' as const } } };
    expect(() => checkStateMachine(one)).toThrow(new Error('test.instance: reopen moves terminal state DONE'));
  });
});

describe('isLegal', () => {
  it('allows an operation only from the states its rule lists, and no unknown operation', () => {
    expect(isLegal(valid, 'stop', 'RUNNING')).toBe(true);
    expect(isLegal(valid, 'stop', 'FAILED')).toBe(false);
    expect(isLegal(valid, 'retry', 'FAILED')).toBe(true);
    expect(isLegal(valid, 'explode', 'RUNNING')).toBe(false);
  });

  it('says for each vendor what its table says (Datadog cancels only a running run; SecMaster retries only a failed one)', () => {
    expect(datadogMachine.states.filter((s) => isLegal(datadogMachine, 'cancel', s))).toEqual(['IN_PROGRESS']);
    expect(secmasterMachine.states.filter((s) => isLegal(secmasterMachine, 'RETRY', s))).toEqual(['FAILED']);
    expect(secmasterMachine.states.filter((s) => isLegal(secmasterMachine, 'TERMINATE', s))).toEqual(['RUNNING', 'RETRYING']);
  });
});
