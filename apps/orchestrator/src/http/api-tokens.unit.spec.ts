import { createHash } from 'node:crypto';

import {
  API_ROLES,
  type ApiRole,
  apiTokenProblems,
  ApiTokenVerifier,
  hashApiToken,
  newApiToken,
  roleAllows,
} from './api-tokens';

describe('API tokens', () => {
  it('makes random sf_ tokens of 32 bytes in base64url', () => {
    const tokens = new Set(Array.from({ length: 50 }, () => newApiToken()));

    expect(tokens.size).toBe(50);
    for (const token of tokens) expect(token).toMatch(/^sf_[A-Za-z0-9_-]{43}$/);
  });

  it('hashes a token to its hex SHA-256', () => {
    expect(hashApiToken('sf_abc')).toBe(createHash('sha256').update('sf_abc').digest('hex'));
    expect(hashApiToken('sf_abc')).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each<[ApiRole, ApiRole, boolean]>([
    ['viewer', 'viewer', true],
    ['viewer', 'operator', false],
    ['viewer', 'admin', false],
    ['operator', 'viewer', true],
    ['operator', 'operator', true],
    ['operator', 'admin', false],
    ['admin', 'viewer', true],
    ['admin', 'operator', true],
    ['admin', 'admin', true],
  ])('a %s may use a route for %s: %s', (role, required, allowed) => {
    expect(roleAllows(role, required)).toBe(allowed);
  });

  it('orders the roles from least to most', () => {
    expect(API_ROLES).toEqual(['viewer', 'operator', 'admin']);
  });

  describe('apiTokenProblems', () => {
    const hash = hashApiToken('sf_ops');

    it('accepts good entries, hashes in either case', () => {
      expect(
        apiTokenProblems([
          { name: 'ops', role: 'operator', sha256: hash },
          { name: 'grafana.prod-1', role: 'viewer', sha256: hash.toUpperCase() },
        ]),
      ).toEqual([]);
    });

    it('names every bad entry by position and name, and never shows a hash', () => {
      const problems = apiTokenProblems([
        { name: 'ops', role: 'root', sha256: hash },
        { name: 'ops', role: 'viewer', sha256: `${hash}0` },
        { name: '', role: hash, sha256: 'viewer' },
        'ops:operator',
        { name: 'bot', role: 'admin', sha256: hash, token: 'sf_leak' },
      ]);

      expect(problems).toEqual([
        `entry 1 ('ops'): role "root" is not viewer, operator or admin`,
        `entry 2 ('ops'): sha256 must be 64 hex digits (the SHA-256 of the token)`,
        `entry 2 ('ops'): the name is taken by an earlier entry`,
        'entry 3: name must be 1 to 64 characters of [A-Za-z0-9._-]',
        'entry 3: role is not viewer, operator or admin',
        'entry 3: sha256 must be 64 hex digits (the SHA-256 of the token)',
        'entry 4: not an object { name, role, sha256 }',
        `entry 5 ('bot'): unknown field token`,
      ]);
      expect(problems.join()).not.toContain(hash.slice(0, 8));
      expect(problems.join()).not.toContain('sf_leak');
    });
  });

  describe('ApiTokenVerifier', () => {
    const verifier = new ApiTokenVerifier([
      { name: 'grafana', role: 'viewer', sha256: hashApiToken('sf_grafana') },
      { name: 'ops', role: 'operator', sha256: hashApiToken('sf_ops').toUpperCase() },
      { name: 'root', role: 'admin', sha256: hashApiToken('sf_root') },
    ]);

    it('finds the token whose hash is the presented token’s', () => {
      expect(verifier.verify('sf_grafana')).toMatchObject({ name: 'grafana', role: 'viewer' });
      expect(verifier.verify('sf_ops')).toMatchObject({ name: 'ops', role: 'operator' });
      expect(verifier.verify('sf_root')).toMatchObject({ name: 'root', role: 'admin' });
      expect(verifier.size).toBe(3);
    });

    it('finds nothing for an unknown token, a prefix, a hash, or with no tokens at all', () => {
      expect(verifier.verify('sf_nobody')).toBeUndefined();
      expect(verifier.verify('sf_op')).toBeUndefined();
      expect(verifier.verify(hashApiToken('sf_ops'))).toBeUndefined();
      expect(verifier.verify('')).toBeUndefined();
      expect(new ApiTokenVerifier([]).verify('sf_ops')).toBeUndefined();
    });
  });
});
