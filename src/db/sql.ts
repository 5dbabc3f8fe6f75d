import { Prisma } from '../generated/sqlite/client.js';

/**
 * Building raw SQL with bound parameters: Prisma's tagged template and helpers, which are the
 * same functions in both backends' generated clients. Imported from here, so that nothing
 * outside db/ names a backend's generated client.
 */
export const { sql, join, raw, empty } = Prisma;
