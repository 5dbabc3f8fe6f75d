// Drift check: the hand-written SQLite migrations must build exactly what
// prisma/sqlite/schema.prisma describes. Uses Prisma's schema engine (wasm), see
// test/support/schema-engine.ts. "In sync" means the engine's next-migration script has
// no statements: it returns "-- This is an empty migration.\n" then (isEmptyMigration).
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diffMigrationsToSchema, isEmptyMigration } from './support/schema-engine.js';

const schemaPath = 'prisma/sqlite/schema.prisma';
const migrationsDir = 'prisma/sqlite/migrations';
const tmp = mkdtempSync(path.join(tmpdir(), 'drift-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('SQLite migrations vs schema.prisma', () => {
  it('migrations build exactly the schema (no drift)', async () => {
    const sql = await diffMigrationsToSchema({ schemaPath, migrationsDir });
    // On failure the message is the SQL still missing from the migrations.
    expect(isEmptyMigration(sql), `migrations drift from the schema; missing SQL:\n${sql}`).toBe(true);
  });

  it('detects a model the migrations lack', async () => {
    const schema = path.join(tmp, 'schema.prisma');
    writeFileSync(schema, `${readFileSync(schemaPath, 'utf8')}\nmodel DriftProbe {\n  id Int @id\n  @@map("drift_probe")\n}\n`);
    const sql = await diffMigrationsToSchema({ schemaPath: schema, migrationsDir });
    expect(isEmptyMigration(sql)).toBe(false);
    expect(sql).toContain('CREATE TABLE "drift_probe"');
  });

  it('detects a statement missing from the last migration that creates an index', async () => {
    const dir = path.join(tmp, 'migrations');
    cpSync(migrationsDir, dir, { recursive: true });
    // Not every migration creates an index (e.g. one adding a table keyed by its primary key).
    const last = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort()
      .findLast((name) => /CREATE (?:UNIQUE )?INDEX/.test(readFileSync(path.join(dir, name, 'migration.sql'), 'utf8')));
    expect(last, 'no migration with a CREATE INDEX').toBeDefined();
    const file = path.join(dir, last!, 'migration.sql');
    const original = readFileSync(file, 'utf8');
    // Drop the last CREATE INDEX statement: a typical slip in a hand-written migration.
    const dropped = [...original.matchAll(/CREATE (?:UNIQUE )?INDEX "([^"]+)" ON "([^"]+)"[^;]*;/g)].at(-1);
    expect(dropped, `no CREATE INDEX in ${last}`).toBeDefined();
    writeFileSync(file, original.replace(dropped![0], ''));
    const sql = await diffMigrationsToSchema({ schemaPath, migrationsDir: dir });
    expect(isEmptyMigration(sql)).toBe(false);
    expect(sql).toContain(`"${dropped![1]}" ON "${dropped![2]}"`);
  });
});
