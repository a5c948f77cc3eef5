import { eventProcessKey, parseEventProcessKey, sagaStateKey, scanPattern } from './redis-keys';

describe('cache keys', () => {
  it('lays saga states out as <prefix>saga:<sagaId>', () => {
    expect(sagaStateKey('app:', 's-1')).toBe('app:saga:s-1');
    expect(sagaStateKey('', 's-1')).toBe('saga:s-1');
  });

  it('round-trips EventProcess keys, consumers with colons included', () => {
    for (const [consumer, messageId] of [
      ['orchestrator', 'm-1.reply'],
      ['team:payments', 'a_b-c.1'],
    ] as const) {
      const key = eventProcessKey('app:', consumer, messageId);
      expect(key).toBe(`app:ep:${consumer}:${messageId}`);
      expect(parseEventProcessKey('app:', key)).toEqual({ consumer, messageId });
    }
  });

  it('rejects keys that are not EventProcess keys of the prefix', () => {
    expect(parseEventProcessKey('app:', 'other:ep:c:m')).toBeNull();
    expect(parseEventProcessKey('app:', 'app:saga:s-1')).toBeNull();
    expect(parseEventProcessKey('app:', 'app:ep:no-message-id')).toBeNull();
    expect(parseEventProcessKey('app:', 'app:ep::m')).toBeNull();
    expect(parseEventProcessKey('app:', 'app:ep:c:')).toBeNull();
  });

  it('escapes glob characters of the prefix in SCAN patterns', () => {
    expect(scanPattern('app:ep:')).toBe('app:ep:*');
    expect(scanPattern('a*b?[c]\\:')).toBe('a\\*b\\?\\[c\\]\\\\:*');
  });
});
