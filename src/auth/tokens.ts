import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { HistoryDb } from '../db/index.js';
import { CLI_ACTOR } from '../history/core/actor.js';
import { recordEvent } from '../history/core/audit.js';
import { DEFAULT_POLICY } from '../history/core/policy.js';
import { lockUsage } from '../history/core/usage.js';
import { ownerSchema } from './owner.js';

/**
 * HTTP bearer tokens. The secret is random, shown once by `create`, and only its sha256 is
 * stored: a copy of the database (a backup, a leaked dump) does not let anyone in. A plain
 * hash is enough, unlike for passwords: the secret has 256 random bits, nothing to guess.
 * Only the Prisma model API is used, so this runs unchanged on SQLite and PostgreSQL.
 * Creating and revoking are audited ('token_create', 'token_revoke', actor cli) in the same
 * transaction as the token's row.
 */

/** What `token list` shows: never the secret, never its hash. */
export interface TokenInfo {
  id: string;
  owner: string;
  name: string | null;
  service: boolean;
  createdAt: Date;
  revokedAt: Date | null;
}

/** Who a valid secret authenticates. */
export interface TokenIdentity {
  tokenId: string;
  /** The token's label, named in the audit trail. */
  name: string | null;
  owner: string;
  service: boolean;
}

/** A mistake in a token command's input, or an unknown token id: the message names the field. */
export class TokenError extends Error {}

const SECRET_PREFIX = 'chm_';
/** 32 random bytes are 43 base64url characters; anything much longer is not ours. */
const MAX_SECRET_CHARS = 200;

const createSchema = z.object({
  owner: ownerSchema,
  name: z.string().trim().min(1).max(100).optional(),
  service: z.boolean().default(false),
});
const listSchema = z.object({ owner: ownerSchema.optional() });
const idSchema = z.string().trim().min(1).max(100);

const PUBLIC_FIELDS = { id: true, owner: true, name: true, service: true, createdAt: true, revokedAt: true } as const;

export class TokenStore {
  constructor(private readonly db: HistoryDb) {}

  /** A new token. The returned secret exists nowhere else: it cannot be shown again. */
  async create(input: {
    owner: string;
    name?: string;
    service?: boolean;
  }): Promise<{ secret: string; token: TokenInfo }> {
    const { owner, name, service } = parse(createSchema, input);
    const secret = SECRET_PREFIX + randomBytes(32).toString('base64url');
    const token = await this.db.$transaction(async (tx) => {
      const now = new Date();
      // The owner's usage row first, as in every write transaction of an owner (core/usage.ts).
      await lockUsage(tx, owner, DEFAULT_POLICY);
      const created = await tx.accessToken.create({
        data: { id: newTokenId(), owner, name: name ?? null, tokenHash: hashSecret(secret), service, createdAt: now },
        select: PUBLIC_FIELDS,
      });
      // Named by its public id: never the secret, never its hash.
      await recordEvent(tx, owner, CLI_ACTOR, now, {
        operation: 'token_create',
        outcome: `token=${created.id},kind=${service ? 'service' : 'owner'}`,
      });
      return created;
    });
    return { secret, token };
  }

  /** Every token (revoked ones too, with revokedAt), oldest first, optionally of one owner. */
  async list(input: { owner?: string } = {}): Promise<TokenInfo[]> {
    const { owner } = parse(listSchema, input);
    return this.db.accessToken.findMany({
      where: owner === undefined ? {} : { owner },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: PUBLIC_FIELDS,
    });
  }

  /** Revoke by public id. Revoking a revoked token is fine and keeps the first revocation time. */
  async revoke(id: string): Promise<TokenInfo> {
    const tokenId = parse(z.object({ id: idSchema }), { id }).id;
    const token = await this.db.accessToken.findUnique({ where: { id: tokenId }, select: PUBLIC_FIELDS });
    if (token === null) throw new TokenError(`id: no token ${tokenId}: \`chat-history-mcp token list\` shows the ids`);
    if (token.revokedAt !== null) return token;
    return this.db.$transaction(async (tx) => {
      const now = new Date();
      await lockUsage(tx, token.owner, DEFAULT_POLICY);
      // Only a token still active is revoked and audited: a concurrent revoke of the same token
      // finds it revoked here (the owner's lock orders the two) and records nothing.
      const revoked = await tx.accessToken.updateMany({
        where: { id: tokenId, revokedAt: null },
        data: { revokedAt: now },
      });
      if (revoked.count === 1) {
        await recordEvent(tx, token.owner, CLI_ACTOR, now, { operation: 'token_revoke', outcome: `token=${tokenId}` });
      }
      return tx.accessToken.findUniqueOrThrow({ where: { id: tokenId }, select: PUBLIC_FIELDS });
    });
  }

  /** The identity behind a secret, or null when it is unknown or revoked. One indexed lookup. */
  async verify(secret: string): Promise<TokenIdentity | null> {
    if (secret.length === 0 || secret.length > MAX_SECRET_CHARS) return null;
    const token = await this.db.accessToken.findUnique({
      where: { tokenHash: hashSecret(secret) },
      select: { id: true, name: true, owner: true, service: true, revokedAt: true },
    });
    if (token === null || token.revokedAt !== null) return null;
    return { tokenId: token.id, name: token.name, owner: token.owner, service: token.service };
  }

  /** Whether any token could authenticate: the HTTP server refuses to start without one. */
  async anyActive(): Promise<boolean> {
    return (await this.db.accessToken.findFirst({ where: { revokedAt: null }, select: { id: true } })) !== null;
  }
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Short enough to type into `token revoke`, random enough never to collide. */
function newTokenId(): string {
  return `tok_${randomBytes(9).toString('base64url')}`;
}

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new TokenError(`${issue.path.join('.') || 'input'}: ${issue.message}`);
}
