import { CliArgsError } from '../cli';
import { BENCH_DEFAULTS, parseBenchArgs } from './bench-args';

describe('parseBenchArgs', () => {
  it('applies the defaults', () => {
    expect(parseBenchArgs([])).toEqual({ ...BENCH_DEFAULTS, help: false });
  });

  it('reads every option', () => {
    expect(
      parseBenchArgs([
        '--levels',
        '16, 64',
        '--sagas=500',
        '--warmup',
        '0',
        '--compare',
        '--peer-script',
        '/tmp/peer.sh',
      ]),
    ).toEqual({
      levels: [16, 64],
      sagas: 500,
      warmup: 0,
      compare: true,
      peerScript: '/tmp/peer.sh',
      help: false,
    });
  });

  it('names the bad argument', () => {
    expect(() => parseBenchArgs(['--levels', '16,x'])).toThrow(
      new CliArgsError('--levels must be an integer from 1 to 4096, got "x"'),
    );
    expect(() => parseBenchArgs(['--sagas', '0'])).toThrow(CliArgsError);
    expect(() => parseBenchArgs(['--fast'])).toThrow(CliArgsError);
  });
});
