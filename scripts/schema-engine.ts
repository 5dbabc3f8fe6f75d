/**
 * What SQL would Prisma write? Prints it to stdout, from Prisma's own schema engine (the wasm
 * build, driven by test/support/schema-engine.ts, which the drift test uses too): the native
 * engine that `prisma migrate dev/diff` need cannot be downloaded here.
 *
 *   npx jiti scripts/schema-engine.ts                   full CREATE script of prisma/sqlite (a first migration)
 *   npx jiti scripts/schema-engine.ts next              SQL the next migration needs (empty: no drift)
 *   npx jiti scripts/schema-engine.ts postgresql        the same for prisma/postgresql; needs a server for
 *   npx jiti scripts/schema-engine.ts next postgresql   the engine's shadow database: CHAT_HISTORY_TEST_POSTGRES_URL
 *                                                       (`eval "$(scripts/test-postgres.sh start)"`)
 *
 * Node 20 has no type stripping and tsx is not installed, but jiti is (a dependency of vitest
 * and prisma). `npx tsx …` works too, but fetches tsx from the npm registry first.
 * DEBUG_SCHEMA_ENGINE=1 prints the engine's log on stderr.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { diffEmptyToSchema, diffMigrationsToSchema, type Provider } from '../test/support/schema-engine.js';

const USAGE = 'usage: npx jiti scripts/schema-engine.ts [next] [sqlite|postgresql]';

const args = process.argv.slice(2);
const unknown = args.filter((a) => !['next', 'sqlite', 'postgresql'].includes(a));
if (unknown.length > 0) {
  process.stderr.write(`unknown argument ${unknown[0]}\n${USAGE}\n`);
  process.exit(2);
}
const provider: Provider = args.includes('postgresql') ? 'postgresql' : 'sqlite';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const schemaPath = resolve(root, 'prisma', provider, 'schema.prisma');
const sql = args.includes('next')
  ? await diffMigrationsToSchema({ schemaPath, migrationsDir: resolve(root, 'prisma', provider, 'migrations') })
  : await diffEmptyToSchema(schemaPath);
process.stdout.write(sql);
