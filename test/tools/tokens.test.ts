import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret, TokenError, TokenStore } from '../../src/auth/tokens.js';
import type { Database } from '../../src/db/index.js';
import { freshDatabase } from '../support/harness.js';

let database: Database;
let tokens: TokenStore;

beforeAll(async () => {
  database = await freshDatabase();
  tokens = new TokenStore(database.db);
});
afterAll(async () => {
  await database?.close();
});

describe('TokenStore', () => {
  it('creates a token whose secret verifies to its owner; only the hash is stored', async () => {
    const { secret, token } = await tokens.create({ owner: '  alice ', name: 'laptop' });
    expect(secret).toMatch(/^chm_[A-Za-z0-9_-]{43}$/);
    expect(token).toMatchObject({ owner: 'alice', name: 'laptop', service: false, revokedAt: null });
    expect(token).not.toHaveProperty('tokenHash');
    expect(await tokens.verify(secret)).toEqual({ tokenId: token.id, name: 'laptop', owner: 'alice', service: false });
    const row = await database.db.accessToken.findUniqueOrThrow({ where: { id: token.id } });
    expect(row.tokenHash).toBe(hashSecret(secret));
    expect(Object.values(row).some((v) => typeof v === 'string' && v.includes(secret.slice(4)))).toBe(false);
  });

  it('verifies nothing else: unknown, empty, overlong', async () => {
    expect(await tokens.verify('chm_unknown')).toBeNull();
    expect(await tokens.verify('')).toBeNull();
    expect(await tokens.verify('x'.repeat(10_000))).toBeNull();
  });

  it('revokes: verify stops at once; revoking twice keeps the first time; an unknown id is an error', async () => {
    const { secret, token } = await tokens.create({ owner: 'bob', service: true });
    expect(await tokens.verify(secret)).toMatchObject({ service: true });
    const first = await tokens.revoke(token.id);
    expect(first.revokedAt).toBeInstanceOf(Date);
    expect(await tokens.verify(secret)).toBeNull();
    expect((await tokens.revoke(token.id)).revokedAt).toEqual(first.revokedAt);
    await expect(tokens.revoke('tok_nope')).rejects.toThrow(/^id: no token tok_nope/);
  });

  it('lists without secrets or hashes, optionally by owner', async () => {
    const all = await tokens.list();
    expect(all.length).toBeGreaterThanOrEqual(2);
    for (const t of all)
      expect(Object.keys(t).sort()).toEqual(['createdAt', 'id', 'name', 'owner', 'revokedAt', 'service']);
    expect((await tokens.list({ owner: 'bob' })).map((t) => t.owner)).toEqual(['bob']);
  });

  it('validates input, naming the field', async () => {
    await expect(tokens.create({ owner: '   ' })).rejects.toThrow(TokenError);
    await expect(tokens.create({ owner: '   ' })).rejects.toThrow(/^owner: /);
    await expect(tokens.create({ owner: 'x'.repeat(201) })).rejects.toThrow(/^owner: /);
    await expect(tokens.create({ owner: 'a', name: '' })).rejects.toThrow(/^name: /);
    await expect(tokens.list({ owner: '' })).rejects.toThrow(/^owner: /);
  });

  it('knows whether any token can authenticate', async () => {
    const empty = await freshDatabase();
    try {
      const store = new TokenStore(empty.db);
      expect(await store.anyActive()).toBe(false);
      const { token } = await store.create({ owner: 'x' });
      expect(await store.anyActive()).toBe(true);
      await store.revoke(token.id);
      expect(await store.anyActive()).toBe(false);
    } finally {
      await empty.close();
    }
  });
});
