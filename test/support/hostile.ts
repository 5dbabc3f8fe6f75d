import fc from 'fast-check';

/**
 * Building blocks for the hostile-input property tests: JSON-Schema-driven "wrong type"
 * values, and values a careless or malicious agent might send (huge, deeply nested, broken
 * Unicode, NUL bytes, prototype keys, odd numbers, forged cursors).
 */

export interface JsonSchema {
  type?: string | string[];
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  minimum?: number;
  maximum?: number;
  /** "or null", the OpenAPI way the published input schemas say it (src/mcp/published-schema.ts). */
  nullable?: boolean;
}

export type JsonType = 'null' | 'boolean' | 'integer' | 'number' | 'string' | 'array' | 'object';

export function jsonType(v: unknown): JsonType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v as JsonType;
}

/** The JSON types a schema admits; undefined when it admits anything. */
export function admittedTypes(s: JsonSchema): Set<JsonType> | undefined {
  if (s.nullable === true) {
    const rest = admittedTypes({ ...s, nullable: false });
    return rest === undefined ? undefined : new Set([...rest, 'null']);
  }
  if (s.anyOf) {
    const parts = s.anyOf.map(admittedTypes);
    if (parts.some((p) => p === undefined)) return undefined;
    return new Set(parts.flatMap((p) => [...p!]));
  }
  if (s.const !== undefined) return new Set([jsonType(s.const)]);
  if (s.enum) return new Set(s.enum.map(jsonType));
  if (s.type === undefined) return undefined;
  return new Set((Array.isArray(s.type) ? s.type : [s.type]) as JsonType[]);
}

export function admits(types: Set<JsonType>, v: unknown): boolean {
  const t = jsonType(v);
  return types.has(t) || (t === 'integer' && types.has('number'));
}

const plainDict = <T>(values: fc.Arbitrary<T>) =>
  fc.dictionary(fc.string({ maxLength: 8 }), values, { maxKeys: 3, noNullPrototype: true });

/** Any JSON value, small. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 20 }),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  plainDict(fc.jsonValue({ maxDepth: 2 })),
);

/** A JSON value the schema does not admit (a wrong type). */
export function wrongType(s: JsonSchema): fc.Arbitrary<unknown> | undefined {
  const types = admittedTypes(s);
  if (types === undefined) return undefined;
  return anyJson.filter((v) => !admits(types, v));
}

/** Strings that have broken many a server. Sizes reach past the default 256 KiB content limit. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constant(''),
  fc.constant(' \t\n'),
  fc.constantFrom('\u0000', 'a\u0000b', '\u0000'.repeat(100)),
  fc.constantFrom('\ud800', 'x\udfffy', '\udc00\ud800', 'ok\ud83d'), // lone surrogates
  fc.constantFrom(
    '💥'.repeat(1000),
    'é\u0301',
    '\u202e\u2066rtl',
    '\r\n\r\n',
    '%s%n{{x}}',
    "'; DROP TABLE messages; --",
  ),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'),
  fc
    .tuple(fc.constantFrom('x', 'ü', '😀', '\u0000'), fc.integer({ min: 1_000, max: 300 * 1024 }))
    .map(([c, n]) => c.repeat(Math.ceil(n / c.length))),
  fc.string({ unit: 'binary', maxLength: 50 }), // any code points, surrogates included
);

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    -1,
    0.5,
    -0.5,
    1.5,
    1e-300,
    2 ** 31,
    2 ** 53,
    2 ** 53 + 2,
    -(2 ** 53),
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER,
  ),
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** `depth` levels of arrays or objects, built without recursion. */
export function nested(depth: number, kind: 'array' | 'object', leaf: unknown = 'leaf'): unknown {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i++) v = kind === 'array' ? [v] : { d: v };
  return v;
}

/** An object whose OWN keys include __proto__ & co., as JSON.parse makes them. */
export function protoKeyed(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const o = JSON.parse(
    '{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}, "prototype": 1}',
  );
  return Object.assign(o, extra);
}

/** Metadata-like objects: deep, prototype-keyed, NUL-keyed, huge, many keys. */
export const hostileObject: fc.Arbitrary<unknown> = fc.oneof(
  fc
    .tuple(fc.integer({ min: 1, max: 10_000 }), fc.constantFrom('array' as const, 'object' as const))
    .map(([d, k]) => ({ deep: nested(d, k) })),
  fc.constant(null).map(() => protoKeyed()),
  fc.constant(null).map(() => ({ nested: protoKeyed({ ok: true }) })),
  fc.constantFrom(
    { 'a\u0000b': 'nul in key', v: 'nul \u0000 in value' },
    { '\ud800': 'lone surrogate key' },
    { '': 'empty key' },
  ),
  fc.integer({ min: 1, max: 300 }).map((kb) => ({ big: 'x'.repeat(kb * 1024) })),
  fc.integer({ min: 1, max: 5_000 }).map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]))),
  plainDict(fc.jsonValue({ maxDepth: 3 })),
  fc.constant([]),
);

/** A hostile value shaped (more or less) like what the schema expects. */
export function hostileFor(s: JsonSchema): fc.Arbitrary<unknown> {
  const types = admittedTypes(s);
  const options: fc.Arbitrary<unknown>[] = [];
  if (types === undefined || types.has('string')) options.push(hostileString);
  if (types === undefined || types.has('integer') || types.has('number')) options.push(hostileNumber);
  if (types === undefined || types.has('object') || types.has('array')) options.push(hostileObject);
  if (types?.has('array'))
    options.push(fc.integer({ min: 0, max: 20_000 }).map((n) => Array.from({ length: n }, () => ({}))));
  if (options.length === 0) options.push(anyJson);
  return fc.oneof(...options);
}

/** Cursors nobody issued: garbage, and well-formed-looking payloads with odd content. */
export const forgedCursor: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 40 }),
  hostileString.filter((s) => s.length < 2000),
  fc.jsonValue({ maxDepth: 2 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null').toString('base64url')),
  fc
    .tuple(
      fc.constantFrom('2025-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z', 'not a date', '', '1970-01-01T00:00:00Z'),
      fc.string({ maxLength: 30 }),
      anyJson,
    )
    .map((parts) => Buffer.from(JSON.stringify(parts)).toString('base64url')),
  fc.jsonValue({ maxDepth: 2 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null').toString('base64')),
  // A list cursor's shape with an instant the store cannot hold (year 0, year 10000 in UTC).
  fc
    .tuple(
      fc.constantFrom(
        '0000-01-01T00:00:00.000Z',
        '+010000-01-01T13:59:59.000Z',
        '9999-12-31T23:59:59-14:00',
        '-000001-01-01T00:00:00.000Z',
      ),
      fc.uuid(),
    )
    .map((parts) => Buffer.from(JSON.stringify(parts)).toString('base64url')),
);
