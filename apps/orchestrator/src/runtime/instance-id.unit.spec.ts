import { INSTANCE_ID_PATTERN } from '@sagaflow/config';

import { instanceIdFrom, newInstanceId } from './instance-id';

describe('instanceIdFrom', () => {
  it('joins host, pid and the random part with dashes', () => {
    expect(instanceIdFrom('orchestrator-7f9c', 42, 'a1b2c3')).toBe('orchestrator-7f9c-42-a1b2c3');
  });

  it('replaces characters a transactional id cannot hold and cuts long host names', () => {
    expect(instanceIdFrom('pod 7:local/é', 1, 'ff')).toBe('pod-7-local---1-ff');
    const id = instanceIdFrom('h'.repeat(300), 12345, 'abcdef');
    expect(id).toBe(`${'h'.repeat(64)}-12345-abcdef`);
    expect(id).toMatch(INSTANCE_ID_PATTERN);
  });

  it('names an empty host', () => {
    expect(instanceIdFrom('', 7, '00')).toBe('host-7-00');
  });
});

describe('newInstanceId', () => {
  it('gives a valid id that differs from process to process', () => {
    const first = newInstanceId();
    const second = newInstanceId();

    expect(first).toMatch(INSTANCE_ID_PATTERN);
    expect(first).toMatch(new RegExp(`-${process.pid}-[0-9a-f]{6}$`));
    expect(second).not.toBe(first);
  });
});
