import { fieldPath } from '../history/core/errors.js';

/**
 * Zod issues about a JSON-RPC request, in words a person reads: "params.arguments must be an
 * object (got an array)". The SDK sends the issue array itself as an error message (a JSON
 * dump), which names the field only deep inside. Values are never echoed (a request may carry
 * megabytes), only their kind, and the text is bounded whatever the input.
 */

/** The parts of a zod 4 issue used here (the SDK and this package both use zod 4). */
export interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  expected?: string;
  values?: unknown[];
  keys?: string[];
  errors?: Issue[][];
}

const MAX_ISSUES = 4;
const MAX_TEXT = 600;

/** One line naming each offending field of `value` (the request as received: `{ method, params }` or the whole message). */
export function describeIssues(issues: readonly Issue[], value: unknown): string {
  const text = issues
    .slice(0, MAX_ISSUES)
    .map((issue) => describeIssue(issue, [], value))
    .join('; ');
  const more = issues.length > MAX_ISSUES ? `; and ${issues.length - MAX_ISSUES} more` : '';
  return `${text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text}${more}`;
}

function describeIssue(issue: Issue, base: PropertyKey[], root: unknown): string {
  const path = [...base, ...issue.path];
  const name = path.length === 0 ? 'the request' : fieldPath(path.map(shortSegment));
  const value = at(root, path);
  switch (issue.code) {
    case 'invalid_type':
      return value === undefined
        ? `${name} is required`
        : `${name} must be ${kindName(issue.expected)} (got ${kindOf(value)})`;
    case 'invalid_value':
      return `${name} must be ${(issue.values ?? [])
        .slice(0, 10)
        .map((v) => JSON.stringify(v))
        .join(' or ')}`;
    case 'unrecognized_keys':
      return `${name} has unexpected member${issue.keys?.length === 1 ? '' : 's'} ${(issue.keys ?? []).slice(0, 5).map(shortKey).join(', ')}`;
    case 'invalid_union':
      return describeUnion(issue, path, root, name);
    default:
      return `${name}: ${issue.message}`;
  }
}

/** The branch that came closest, or every branch when none did (e.g. completion's `ref`). */
function describeUnion(issue: Issue, path: PropertyKey[], root: unknown, name: string): string {
  const branches = (issue.errors ?? []).map((errs) => errs.map((e) => describeIssue(e, path, root)).join(' and '));
  if (branches.length === 0) return `${name}: ${issue.message}`;
  const fewest = Math.min(...(issue.errors ?? []).map((e) => e.length));
  const closest = [...new Set(branches.filter((_, i) => issue.errors![i]!.length === fewest))];
  return closest.length === 1 ? closest[0]! : `${name} matches no accepted form: ${closest.join(', or ')}`;
}

function at(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function kindName(expected: string | undefined): string {
  switch (expected) {
    case 'object':
    case 'record':
      return 'an object';
    case 'array':
      return 'an array';
    case 'int':
      return 'an integer';
    case undefined:
      return 'another type';
    default:
      return `a ${expected}`;
  }
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** A member name as echoed in a path: client-chosen, so bounded. */
function shortSegment(key: PropertyKey): PropertyKey {
  return typeof key === 'string' && key.length > 40 ? `${key.slice(0, 40)}…` : key;
}

function shortKey(key: string): string {
  return JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key);
}
