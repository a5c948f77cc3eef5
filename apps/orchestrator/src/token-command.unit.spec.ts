import { hashApiToken } from './http/api-tokens';
import { runTokenCommand, TOKEN_USAGE } from './token-command';

describe('npm run token', () => {
  const mint = () => 'sf_fixed-token';

  it('prints the new token once, with its entry for both variables', () => {
    const result = runTokenCommand(['--name', 'ops', '--role', 'operator'], mint);

    const sha256 = hashApiToken('sf_fixed-token');
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('\n  sf_fixed-token\n');
    expect(result.stdout).toContain('Authorization: Bearer sf_fixed-token');
    expect(result.stdout).toContain(`\n  ops:operator:${sha256}\n`);
    expect(result.stdout).toContain(`\n  {"name":"ops","role":"operator","sha256":"${sha256}"}\n`);
  });

  it('mints a random token by default', () => {
    const first = runTokenCommand(['--name=ci', '--role=viewer']).stdout;
    const second = runTokenCommand(['--name=ci', '--role=viewer']).stdout;

    expect(first).toMatch(/\n {2}sf_[A-Za-z0-9_-]{43}\n/);
    expect(first).not.toBe(second);
  });

  it.each([
    [['--role', 'operator'], '--name must be'],
    [['--name', 'ops bot', '--role', 'operator'], '--name must be'],
    [['--name', 'ops', '--role', 'root'], '--role must be one of viewer, operator, admin'],
    [['--name', 'ops', '--role', 'viewer', '--ttl', '1d'], "Unknown option '--ttl'"],
  ])('refuses %j with exit code 2 and the usage', (argv, problem) => {
    const result = runTokenCommand(argv, mint);

    expect(result).toMatchObject({ exitCode: 2, stdout: '' });
    expect(result.stderr).toContain(problem);
    expect(result.stderr).toContain(TOKEN_USAGE);
  });

  it('prints the usage for --help', () => {
    expect(runTokenCommand(['--help'], mint)).toEqual({
      exitCode: 0,
      stdout: TOKEN_USAGE,
      stderr: '',
    });
  });
});
