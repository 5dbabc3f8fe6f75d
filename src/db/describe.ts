import type { DatabaseTarget } from './types.js';

/** The database for logs and messages: a SQLite path, or a PostgreSQL URL without its password. */
export function describeDatabase(target: DatabaseTarget): string {
  if (target.provider === 'sqlite') return target.path;
  try {
    const url = new URL(target.url);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return 'postgresql (unparsable URL)';
  }
}
