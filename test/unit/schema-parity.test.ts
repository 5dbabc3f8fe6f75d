// The SQLite and PostgreSQL schemas must describe the same models: same fields, types,
// optionality, keys, indexes and relations, so that one history layer (and one Prisma
// client type) serves both. Allowed to differ: native-type attributes (@db.*), and the
// one key that a sequence assigns on PostgreSQL but SQLite's rowid assigns itself.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const ALLOWED = [
  /\s@db\.\w+(\([^)]*\))?/g,
  // MessageFtsKey.ftsRowid: SERIAL on PostgreSQL; INTEGER PRIMARY KEY (the rowid) on SQLite.
  /(?<=ftsRowid\s+Int\s+@id)\s+@default\(autoincrement\(\)\)/g,
];

/** model name → its body, comments dropped, attributes the backends may differ in removed, whitespace normalised. */
function models(schema: string): Map<string, string> {
  const result = new Map<string, string>();
  const withoutComments = schema.replace(/\/\/.*$/gm, '');
  for (const m of withoutComments.matchAll(/^model\s+(\w+)\s*\{([^}]*)\}/gm)) {
    let body = m[2]!;
    for (const pattern of ALLOWED) body = body.replace(pattern, '');
    const lines = body
      .split('\n')
      .map((l) => l.trim().replace(/\s+/g, ' '))
      .filter((l) => l !== '');
    result.set(m[1]!, lines.join('\n'));
  }
  return result;
}

const sqlite = readFileSync('prisma/sqlite/schema.prisma', 'utf8');
const postgresql = readFileSync('prisma/postgresql/schema.prisma', 'utf8');

describe('prisma/sqlite and prisma/postgresql schemas', () => {
  it('have the same models', () => {
    const a = models(sqlite);
    const b = models(postgresql);
    expect(a.size).toBeGreaterThan(5);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [name, body] of a) expect(b.get(name), `model ${name}`).toBe(body);
  });

  it('notices a field that only one of them has, or a changed attribute', () => {
    const extraField = postgresql.replace(/(model Conversation \{\n)/, '$1  extra String?\n');
    expect(models(extraField).get('Conversation')).not.toBe(models(sqlite).get('Conversation'));
    const changed = postgresql.replace('@@unique([owner, key])', '@@index([owner, key])');
    expect(models(changed).get('Conversation')).not.toBe(models(sqlite).get('Conversation'));
    const optional = postgresql.replace(/title\s+String\?/, 'title String');
    expect(models(optional).get('Conversation')).not.toBe(models(sqlite).get('Conversation'));
  });

  it('differ in native types only where allowed', () => {
    expect(postgresql).toMatch(/@db\.Timestamptz\(3\)/);
    expect(models(postgresql).get('MessageFtsKey')).not.toContain('autoincrement');
  });
});
