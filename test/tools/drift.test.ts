// Drift check: the hand-written migrations must build exactly what the schema describes,
// for the run's backend (prisma/sqlite or prisma/postgresql; the PostgreSQL engine works
// on the test server, where it makes and drops its own shadow database). Uses Prisma's
// schema engine (wasm), see test/support/schema-engine.ts; `npx jiti scripts/schema-engine.ts
// next` prints the same diff. "In sync" means the engine's next-migration script has no
// statements: it returns "-- This is an empty migration.\n" then (isEmptyMigration).
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testBackend } from '../support/backend.js';
import { diffMigrationsToSchema, EXTERNAL_TABLES, isEmptyMigration } from '../support/schema-engine.js';

const provider = testBackend();
const schemaPath = `prisma/${provider}/schema.prisma`;
const migrationsDir = `prisma/${provider}/migrations`;
const external = new Set(EXTERNAL_TABLES[provider].map((t) => t.replace(/^public\./, '')));
const tmp = mkdtempSync(path.join(tmpdir(), 'drift-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe(`${provider} migrations vs schema.prisma`, () => {
  it('migrations build exactly the schema (no drift)', async () => {
    const sql = await diffMigrationsToSchema({ schemaPath, migrationsDir });
    // On failure the message is the SQL still missing from the migrations.
    expect(isEmptyMigration(sql), `migrations drift from the schema; missing SQL:\n${sql}`).toBe(true);
  });

  it('detects a model the migrations lack', async () => {
    const schema = path.join(tmp, 'schema.prisma');
    writeFileSync(
      schema,
      `${readFileSync(schemaPath, 'utf8')}\nmodel DriftProbe {\n  id Int @id\n  @@map("drift_probe")\n}\n`,
    );
    const sql = await diffMigrationsToSchema({ schemaPath: schema, migrationsDir });
    expect(isEmptyMigration(sql)).toBe(false);
    expect(sql).toContain('CREATE TABLE "drift_probe"');
  });

  it('detects a statement missing from the last migration that creates an index', async () => {
    const dir = path.join(tmp, 'migrations');
    cpSync(migrationsDir, dir, { recursive: true });
    // The last CREATE INDEX of a table the schema models (an index of an external table,
    // e.g. the search index, is outside the comparison).
    const found = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort()
      .flatMap((name) => {
        const sql = readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
        return [...sql.matchAll(/CREATE (?:UNIQUE )?INDEX "([^"]+)" ON "([^"]+)"[^;]*;/g)]
          .filter((m) => !external.has(m[2]!))
          .map((m) => ({ name, m }));
      })
      .at(-1);
    expect(found, 'no migration with a CREATE INDEX').toBeDefined();
    const { name: last, m: dropped } = found!;
    const file = path.join(dir, last, 'migration.sql');
    const original = readFileSync(file, 'utf8');
    // Drop it: a typical slip in a hand-written migration.
    writeFileSync(file, original.replace(dropped[0], ''));
    const sql = await diffMigrationsToSchema({ schemaPath, migrationsDir: dir });
    expect(isEmptyMigration(sql)).toBe(false);
    expect(sql).toContain(`"${dropped[1]}" ON "${dropped[2]}"`);
  });
});
