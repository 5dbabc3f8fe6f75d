/**
 * The database cannot be used at start (server unreachable, wrong credentials, no such
 * database, a migration failed, a path that is a folder or another program's file): a
 * message for the operator, printed on one line without a stack.
 */
export class DatabaseStartError extends Error {}
