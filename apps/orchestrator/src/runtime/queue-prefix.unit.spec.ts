import { queuePrefixFor } from './queue-prefix';

describe('queuePrefixFor', () => {
  it('turns a Redis key prefix into a BullMQ queue prefix', () => {
    expect(queuePrefixFor('sagaflow:orchestrator:')).toBe('sagaflow-orchestrator-');
    expect(queuePrefixFor('team.a_b-c:')).toBe('team.a_b-c-');
    expect(queuePrefixFor('a{b}#c')).toBe('a-b--c');
  });
});
