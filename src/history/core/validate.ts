import type { z } from 'zod';
import { fieldPath, HistoryError } from './errors.js';

/**
 * Parse input with a domain schema, or throw a HistoryError that names the field.
 * The message format ("<problem> at <path>") is the one the MCP SDK uses for its own
 * input validation, so an agent sees one style whichever layer caught the mistake.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  /** Rewrites an issue's path, for input that was reshaped before parsing (import formats). */
  mapPath: (path: PropertyKey[]) => PropertyKey[] = (path) => path,
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ message: i.message, path: mapPath(i.path) }));
  const message = issues
    .map((i) => (i.path.length > 0 ? `${i.message} at ${fieldPath(i.path)}` : i.message))
    .join('\n');
  throw new HistoryError('invalid_input', message, issues[0] ? fieldPath(issues[0].path) : undefined);
}

/** An invalid field found after parsing (e.g. against stored data), in the same format. */
export function invalidField(path: ReadonlyArray<PropertyKey>, problem: string): HistoryError {
  return new HistoryError('invalid_input', `${problem} at ${fieldPath(path)}`, fieldPath(path));
}
