import { SeededRandom } from './seeded-random';

describe('SeededRandom', () => {
  const draw = (seed: number) => {
    const random = new SeededRandom(seed);
    return Array.from({ length: 20 }, () => random.nextInt(1000));
  };

  it('gives the same sequence for the same seed, another for another seed', () => {
    expect(draw(42)).toEqual(draw(42));
    expect(draw(43)).not.toEqual(draw(42));
  });

  it('stays in range', () => {
    const random = new SeededRandom(0);
    for (let i = 0; i < 1000; i += 1) {
      const x = random.next();
      expect(x >= 0 && x < 1).toBe(true);
      expect(random.nextInt(3)).toBeLessThan(3);
    }
  });

  it('rejects a bad seed or bound', () => {
    expect(() => new SeededRandom(-1)).toThrow('invalid seed: -1');
    expect(() => new SeededRandom(0).nextInt(0)).toThrow('invalid bound: 0');
  });
});
