import { PrismaClientKnownRequestError } from '@prisma/client/runtime/client';

/** What a Prisma error means for the domain, by its code (the same classes on every backend). */

/** A unique constraint refused the write (P2002): e.g. a key already in use. */
export function isUniqueViolation(err: unknown): boolean {
  return err instanceof PrismaClientKnownRequestError && err.code === 'P2002';
}

/** The row to update or delete was not there (P2025): a missing, or another owner's, conversation. */
export function isRecordNotFound(err: unknown): boolean {
  return err instanceof PrismaClientKnownRequestError && err.code === 'P2025';
}
