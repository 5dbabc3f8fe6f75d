import { readUsage } from '../core/usage.js';
import type { Scope } from '../scope.js';
import type { UsageView } from './schemas.js';

/** get_usage: what the owner stores against its quotas, the trash, and the retention rules. */
export async function getUsage(s: Scope): Promise<UsageView> {
  const [usage, trash] = await Promise.all([
    readUsage(s.db, s.owner, s.policy),
    s.db.conversation.count({ where: { owner: s.owner, deletedAt: { not: null } } }),
  ]);
  return {
    conversations: usage.conversations,
    bytes: usage.bytes,
    max_conversations: usage.maxConversations,
    max_bytes: usage.maxBytes,
    trash,
    trash_days: s.policy.trashDays,
    retain_days: s.policy.retainDays,
  };
}
