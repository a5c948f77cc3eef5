import { CliArgsError } from '../cli';
import { DEMO_DEFAULTS, parseDemoArgs } from './demo-args';

describe('parseDemoArgs', () => {
  it('gives the defaults for no arguments', () => {
    expect(parseDemoArgs([])).toEqual({ ...DEMO_DEFAULTS, help: false });
    expect(DEMO_DEFAULTS).toEqual({ once: false, sagas: 300, concurrency: 16, seed: 1 });
  });

  it('reads --once, --sagas, --concurrency and --seed, with a space or an equals sign', () => {
    expect(parseDemoArgs(['--once', '--sagas', '50', '--concurrency=4', '--seed', '7'])).toEqual({
      once: true,
      sagas: 50,
      concurrency: 4,
      seed: 7,
      help: false,
    });
  });

  it('reads --help and -h', () => {
    expect(parseDemoArgs(['--help']).help).toBe(true);
    expect(parseDemoArgs(['-h']).help).toBe(true);
  });

  it.each([
    [['--sagas', '0'], '--sagas must be an integer from 1 to 100000, got "0"'],
    [['--sagas', '100001'], '--sagas must be an integer from 1 to 100000'],
    [['--concurrency', '2.5'], '--concurrency must be an integer from 1 to 1000, got "2.5"'],
    [['--concurrency', '-3'], '--concurrency'],
    [['--seed', 'abc'], '--seed must be an integer'],
    [['--sagas'], "Option '--sagas <value>' argument missing"],
    [['--fast'], "Unknown option '--fast'"],
    [['extra'], 'extra'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseDemoArgs(argv)).toThrow(CliArgsError);
    expect(() => parseDemoArgs(argv)).toThrow(message);
  });
});
