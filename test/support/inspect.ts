import Sqlite from 'better-sqlite3';
import type { Running } from './spawn.js';

/**
 * Direct, read-only looks at a database file, bypassing the server: what is really on disk
 * after a crash or a failed write. Only to be used when no server process is writing.
 */
export interface StoredMessage {
  id: string;
  seq: number;
  role: string;
  content: string | null;
  metadata: string | null;
}

export function inspectDatabase(path: string) {
  const db = new Sqlite(path, { readonly: true, fileMustExist: true });
  try {
    const integrity = (db.prepare('PRAGMA integrity_check').all() as Array<{ integrity_check: string }>).map(
      (r) => r.integrity_check,
    );
    const foreignKeys = db.prepare('PRAGMA foreign_key_check').all();
    const conversations = db
      .prepare('SELECT id, key, message_count AS messageCount FROM conversations')
      .all() as Array<{
      id: string;
      key: string | null;
      messageCount: number;
    }>;
    const messages = (conversationId: string) =>
      db
        .prepare('SELECT id, seq, role, content, metadata FROM messages WHERE conversation_id = ? ORDER BY seq')
        .all(conversationId) as StoredMessage[];
    const toolCallIds = (conversationId: string) =>
      (
        db.prepare('SELECT call_id FROM tool_calls WHERE conversation_id = ?').all(conversationId) as Array<{
          call_id: string;
        }>
      ).map((r) => r.call_id);
    return {
      integrity,
      foreignKeys,
      conversations,
      messages: new Map(conversations.map((c) => [c.id, messages(c.id)])),
      toolCallIds: new Map(conversations.map((c) => [c.id, toolCallIds(c.id)])),
    };
  } finally {
    db.close();
  }
}

/** Every message of a conversation through the server, paging forwards. */
export async function readAll(api: Pick<Running, 'call'>, conversationId: string): Promise<any[]> {
  const all: any[] = [];
  for (let after = 0; ; ) {
    const page = await api.call('get_history', { conversation_id: conversationId, after_seq: after, limit: 500 });
    all.push(...page.messages);
    if (!page.has_more_after || page.messages.length === 0) return all;
    after = page.messages.at(-1).seq;
  }
}

/** Server log lines (pino JSON on stderr) at warn level or above. */
export function warnings(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .filter((line) => {
      try {
        return (JSON.parse(line) as { level?: number }).level! >= 40;
      } catch {
        return true;
      }
    });
}

export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
