import { money, toCents } from './money';

describe('money', () => {
  it('converts DECIMAL strings and JSON numbers to cents without float drift', () => {
    expect(toCents('1000.00')).toBe(100_000);
    expect(toCents(0.1 + 0.2)).toBe(30);
    expect(toCents(99.99)).toBe(9_999);
    expect(money(toCents('50.50') - toCents(0.01))).toBe('50.49');
    expect(money(0)).toBe('0.00');
  });
});
