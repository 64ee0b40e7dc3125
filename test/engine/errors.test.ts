// Engine errors reach logs (a contention is logged with its message) and the control plane's
// problem details: each names what failed and with which ids.
import { describe, expect, it } from 'vitest';
import { IllegalOperation, InstanceLimitReached, InstanceNotFound, UnknownOperation, WriteConflict } from '../../src/engine/errors.js';

describe('engine errors', () => {
  it('say what failed, naming the ids and values a user needs', () => {
    expect(new InstanceNotFound('i-1').message).toBe('instance i-1 not found');
    expect(new IllegalOperation('i-1', 'cancel', 'SUCCEEDED').message).toBe('operation cancel is not allowed on instance i-1 in state SUCCEEDED');
    expect(new UnknownOperation('pause').message).toBe('unknown operation pause');
    expect(new InstanceLimitReached(5).message).toBe('the tenant has reached the limit of 5 instances');
    expect(new WriteConflict('instance i-1', 8).message).toBe('instance i-1 changed under each of 8 compare-and-set attempts (concurrent writers); nothing was written');
  });
});
