import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { setup } from '../support/harness.js';
import {
  admits,
  admittedTypes,
  anyJson,
  forgedCursor,
  hostileFor,
  hostileObject,
  hostileString,
  type JsonSchema,
  nested,
  protoKeyed,
  wrongType,
} from '../support/hostile.js';

/**
 * Property: whatever an agent sends to ANY listed tool (the list is read from tools/list, so
 * new tools are covered without editing this file), the call is either rejected with an
 * isError whose text names the offending field and nothing in the database changed, or
 * accepted — and an accepted append reads back exactly. The server keeps serving throughout
 * and Object.prototype stays clean.
 */
const RUNS_PER_TOOL = 40;
const env = await setup();
afterAll(() => env.close());
const tools: Tool[] = (await env.client.listTools()).tools;

// --- database fingerprint: a rejected call must change none of it -------------------------------
const tables = (
  await env.database.db.$queryRawUnsafe<Array<{ name: string }>>(
    env.database.provider === 'sqlite'
      ? // Virtual (FTS) tables are left out: their shadow tables hold the same rows, cheaper to count.
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_prisma_migrations'
           AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name`
      : `SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations'
           ORDER BY tablename`,
  )
).map((r) => r.name);
const fingerprintSql = `SELECT ${tables.map((t, i) => `(SELECT count(*) FROM "${t}") AS c${i}`).join(', ')},
  (SELECT max(updated_at) FROM conversations) AS updated,
  (SELECT sum(length(coalesce(title, '')) + length(coalesce(metadata, '')) + message_count) FROM conversations) AS conv`;
async function fingerprint(): Promise<string> {
  const [row] = await env.database.db.$queryRawUnsafe<Array<Record<string, unknown>>>(fingerprintSql);
  return JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
}

// --- contexts: a conversation with a bit of everything ------------------------------------------
interface Ctx {
  conversationId: string;
  messageIds: string[];
}
let contexts = 0;
async function freshContext(): Promise<Ctx> {
  const n = ++contexts;
  const { conversation } = await env.call('create_conversation', { title: `ctx ${n}`, key: `ctx-${n}` });
  const appended = await env.call('append_messages', {
    conversation_id: conversation.id,
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'hello world' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: `call-${n}`, type: 'function', function: { name: 'lookup', arguments: '{"q":"hello"}' } }],
      },
      { role: 'tool', tool_call_id: `call-${n}`, content: 'hello result' },
      { role: 'assistant', content: 'hello again' },
    ],
  });
  return { conversationId: conversation.id, messageIds: appended.messages.map((m: { id: string }) => m.id) };
}
const shared = await freshContext();

/**
 * The context a call runs against. Read-only tools share one; a mutating tool gets one of its
 * own, reused until a call is accepted (a rejected call changed nothing — that is checked).
 */
let spare: Ctx | undefined;
async function contextFor(tool: Tool): Promise<Ctx> {
  if (!mutates(tool)) return shared;
  spare ??= await freshContext();
  return spare;
}

/** Known-good arguments for the tools we know; a guess from the JSON Schema for the rest. */
const KNOWN: Record<string, (c: Ctx) => Record<string, unknown>> = {
  create_conversation: () => ({ title: 't' }),
  list_conversations: () => ({}),
  get_conversation: (c) => ({ conversation_id: c.conversationId }),
  update_conversation: (c) => ({ conversation_id: c.conversationId, title: 'renamed' }),
  delete_conversation: (c) => ({ conversation_id: c.conversationId }),
  append_messages: (c) => ({ conversation_id: c.conversationId, messages: [{ role: 'user', content: 'x' }] }),
  get_history: (c) => ({ conversation_id: c.conversationId }),
  fork_conversation: (c) => ({ conversation_id: c.conversationId }),
  delete_messages: (c) => ({ conversation_id: c.conversationId, from_seq: 5 }),
  get_context: (c) => ({ conversation_id: c.conversationId, max_tokens: 1000 }),
  set_summary: (c) => ({ conversation_id: c.conversationId, summary: 'greetings', through_seq: 2 }),
  export_conversation: (c) => ({ conversation_id: c.conversationId, format: 'json' }),
  import_conversation: () => ({ format: 'openai', data: [{ role: 'user', content: 'hi' }] }),
  search_messages: () => ({ query: 'hello' }),
};

function guessValue(name: string, s: JsonSchema, c: Ctx): unknown {
  if (name === 'conversation_id') return c.conversationId;
  if (name.endsWith('message_id')) return c.messageIds[0];
  if (name.endsWith('message_ids')) return c.messageIds.slice(0, 1);
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  const types = admittedTypes(s);
  if (types?.has('string')) return 'hello';
  if (types?.has('integer') || types?.has('number')) return Math.max(1, s.minimum ?? 1);
  if (types?.has('boolean')) return true;
  if (types?.has('array')) return s.items ? [guessValue('', s.items, c)] : [];
  if (types?.has('object')) return guessArgs(s, c);
  return {};
}
function guessArgs(s: JsonSchema, c: Ctx): Record<string, unknown> {
  return Object.fromEntries((s.required ?? []).map((k) => [k, guessValue(k, s.properties?.[k] ?? {}, c)]));
}
const baseArgs = (tool: Tool, c: Ctx) =>
  (KNOWN[tool.name] ?? ((cc: Ctx) => guessArgs(tool.inputSchema as JsonSchema, cc)))(c);
const mutates = (tool: Tool) => tool.annotations?.readOnlyHint !== true;

// --- the checks every call goes through -----------------------------------------------------------
const text = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
/** Signs of an error that escaped instead of being explained. */
const LEAK =
  /Internal error|Maximum call stack|SQLITE|prisma|Invalid `|RangeError|TypeError|undefined is not|Cannot read prop/i;

async function stillServing(): Promise<void> {
  await env.client.ping();
  expect((await env.callRaw('get_conversation', { conversation_id: shared.conversationId })).isError).toBeFalsy();
  expect(Object.keys(Object.prototype), 'Object.prototype untouched').toEqual([]);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

interface Expect {
  /** The call is invalid for sure: it must be rejected. */
  mustReject: boolean;
  /** The rejection must name this (a field name or a path like messages[1].content). */
  names: string;
}

async function callChecked(tool: Tool, args: Record<string, unknown>, e: Expect): Promise<CallToolResult> {
  const before = await fingerprint();
  const result = await env.callRaw(tool.name, args);
  const message = text(result);
  if (result.isError) {
    expect(message, `${tool.name}: an error that explains itself`).not.toMatch(LEAK);
    expect(message, `${tool.name}: the error names ${e.names}`).toContain(e.names);
    expect(await fingerprint(), `${tool.name}: a rejected call changes nothing`).toBe(before);
  } else {
    if (mutates(tool)) spare = undefined;
    expect(e.mustReject, `${tool.name} accepted an invalid call: ${describeArgs(args)}`).toBe(false);
    if (!mutates(tool)) expect(await fingerprint(), `${tool.name} is read-only`).toBe(before);
  }
  await stillServing();
  return result;
}

/** Arguments, shortened for a failure message (huge strings and deep nesting cut). */
function describeArgs(args: unknown): string {
  const seen = new Set<unknown>();
  const cut = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return v.length > 60 ? `${v.slice(0, 60)}…(${v.length} chars)` : v;
    if (v === null || typeof v !== 'object' || seen.has(v)) return v;
    if (depth > 4) return '…(deeper)';
    seen.add(v);
    if (Array.isArray(v)) return v.slice(0, 5).map((x) => cut(x, depth + 1));
    return Object.fromEntries(
      Object.entries(v)
        .slice(0, 10)
        .map(([k, x]) => [k, cut(x, depth + 1)]),
    );
  };
  return JSON.stringify(cut(args, 0));
}

// --- generic mutations, for every tool ------------------------------------------------------------
type Case = { kind: string; build: (base: Record<string, unknown>) => Record<string, unknown>; expect: Expect };

function casesFor(tool: Tool): fc.Arbitrary<Case> {
  const schema = tool.inputSchema as JsonSchema;
  const props = Object.entries(schema.properties ?? {});
  const required = schema.required ?? [];
  const options: fc.Arbitrary<Case>[] = [];

  const typed = props.flatMap(([name, s]) => {
    const wrong = wrongType(s);
    return wrong
      ? [
          wrong.map(
            (value): Case => ({
              kind: `wrong type for ${name}`,
              build: (b) => ({ ...b, [name]: value }),
              expect: { mustReject: true, names: name },
            }),
          ),
        ]
      : [];
  });
  if (typed.length > 0) options.push(fc.oneof(...typed));

  if (required.length > 0) {
    options.push(
      fc.constantFrom(...required).map(
        (name): Case => ({
          kind: `missing ${name}`,
          build: (b) => Object.fromEntries(Object.entries(b).filter(([k]) => k !== name)),
          expect: { mustReject: true, names: name },
        }),
      ),
    );
  }

  const extraKey = fc.oneof(
    fc.constantFrom('constructor', 'prototype', 'toString', 'hasOwnProperty', 'owner', 'user', '', 'a\u0000b'),
    fc.string({ minLength: 1, maxLength: 12 }),
  );
  options.push(
    fc
      .tuple(
        extraKey.filter((k) => !(k in (schema.properties ?? {})) && k !== '__proto__'),
        anyJson,
      )
      .map(
        ([key, value]): Case => ({
          kind: `extra field ${JSON.stringify(key)}`,
          build: (b) => ({ ...b, [key]: value }),
          expect: { mustReject: true, names: key },
        }),
      ),
  );

  if (props.length > 0) {
    options.push(
      fc.oneof(
        ...props.map(([name, s]) =>
          hostileFor(name === 'cursor' ? {} : s).map(
            (value): Case => ({
              kind: `hostile ${name}`,
              build: (b) => ({ ...b, [name]: value }),
              expect: { mustReject: false, names: name },
            }),
          ),
        ),
      ),
    );
  }

  // Whole argument objects of random shape: only "explains itself, changes nothing if rejected".
  options.push(
    fc
      .dictionary(
        fc.oneof(fc.constantFrom(...props.map(([n]) => n), 'x'), fc.string({ maxLength: 6 })),
        fc.oneof(anyJson, hostileString),
        { maxKeys: 4, noNullPrototype: true },
      )
      .map(
        (random): Case => ({ kind: 'random arguments', build: () => random, expect: { mustReject: false, names: '' } }),
      ),
  );
  return fc.oneof(...options);
}

// Which tools have arguments we can build a valid call from (field-naming checks need one).
const validBase = new Map<string, boolean>();
for (const tool of tools) {
  const result = await env.callRaw(tool.name, baseArgs(tool, await freshContext()));
  validBase.set(tool.name, !result.isError);
  if (result.isError)
    console.warn(
      `hostile-input: no valid base call for ${tool.name} (${text(result)}); add one to KNOWN for the full checks`,
    );
}

describe('hostile arguments, every listed tool', () => {
  it('has a valid base call for every tool it knows (new tools: add one to KNOWN)', () => {
    expect(tools.length).toBeGreaterThan(0);
    for (const tool of tools.filter((t) => t.name in KNOWN))
      expect(validBase.get(tool.name), `a valid base call for ${tool.name}`).toBe(true);
  });

  for (const tool of tools) {
    it(`${tool.name}: rejected naming the field and changing nothing, or accepted`, { timeout: 60_000 }, async () => {
      // Without a valid base call, only the schema-level cases say which field is at fault.
      const cases = validBase.get(tool.name)
        ? casesFor(tool)
        : casesFor(tool).filter((c) => !c.kind.startsWith('hostile '));
      await fc.assert(
        fc.asyncProperty(cases, async (c) => {
          const args = c.build(baseArgs(tool, await contextFor(tool)));
          await callChecked(tool, args, c.expect);
        }),
        { numRuns: RUNS_PER_TOOL },
      );
    });
  }
});

// --- append_messages: hostile messages, path-precise errors, exact read-back ------------------
const append = tools.find((t) => t.name === 'append_messages');

const goodMessage = fc.oneof(
  fc.record({
    role: fc.constantFrom('user', 'system', 'assistant'),
    content: fc.string({ minLength: 1, maxLength: 30 }),
  }),
  fc.record({
    role: fc.constant('user'),
    content: fc.string({ minLength: 1, maxLength: 30 }),
    name: fc.constantFrom('alice', 'bob'),
  }),
);

/** One message with one hostile field (or shape); `field` is what an error must name. */
const badMessage: fc.Arbitrary<{ message: Record<string, unknown>; field: string; mustReject: boolean }> = fc.oneof(
  fc
    .tuple(fc.constantFrom('role', 'content', 'name', 'tool_call_id', 'metadata', 'tool_calls'), anyJson)
    .map(([field, value]) => ({
      message: { role: field === 'role' ? value : 'user', content: 'x', [field]: value },
      field,
      mustReject: field === 'role' && !['user', 'assistant', 'system'].includes(value as string), // type errors: computed below
    })),
  hostileString.map((content) => ({ message: { role: 'user', content }, field: 'content', mustReject: false })),
  hostileObject.map((metadata) => ({
    message: { role: 'user', content: 'm', metadata },
    field: 'metadata',
    mustReject: false,
  })),
  fc.constant(null).map(() => ({
    message: { role: 'user', content: 'proto', metadata: protoKeyed({ 'nul\u0000key': 'nul\u0000value' }) },
    field: 'metadata',
    mustReject: false,
  })),
  fc.tuple(hostileString, hostileString).map(([id, args]) => ({
    message: {
      role: 'assistant',
      content: null,
      tool_calls: [{ id, type: 'function', function: { name: 'f', arguments: args } }],
    },
    field: 'tool_calls',
    mustReject: false,
  })),
  fc.integer({ min: 1, max: 10_000 }).map((d) => ({
    message: { role: 'assistant', content: 'deep', tool_calls: nested(d, 'array') },
    field: 'tool_calls',
    mustReject: true,
  })),
  fc
    .tuple(
      fc
        .string({ minLength: 1, maxLength: 10 })
        .filter((k) => !['role', 'content', 'name', 'tool_calls', 'tool_call_id', 'metadata', '__proto__'].includes(k)),
      anyJson,
    )
    .map(([k, v]) => ({
      message: { role: 'user', content: 'extra', [k]: v },
      field: '', // the path messages[i] is enough: zod reports unknown keys on the object
      mustReject: true,
    })),
  fc
    .constantFrom<Record<string, unknown>>(
      {},
      { role: 'user' },
      { content: 'no role' },
      { role: 'tool', content: 'orphan' },
      { role: 'user', content: null },
    )
    .map((message) => ({
      message,
      field: '',
      mustReject: true,
    })),
);

/** What get_history should give back for a message we sent. */
function expectSame(got: any, sent: Record<string, unknown>, where: string) {
  expect(got.role, where).toBe(sent.role);
  expect(got.content, where).toBe(sent.content ?? null);
  expect(got.name, where).toBe(sent.name);
  expect(got.tool_call_id, where).toBe(sent.tool_call_id);
  expect(got.tool_calls, where).toEqual(sent.tool_calls);
  // Own keys, in order, NUL bytes and "__proto__" included: compare the JSON text too.
  expect(JSON.stringify(got.metadata), where).toBe(JSON.stringify(sent.metadata));
  // What JSON can carry: -0 is written "0" (by an agent's JSON-RPC as by the store), so the
  // in-memory transport's -0 comes back as 0 (fast-check found it once).
  const carried = sent.metadata === undefined ? undefined : JSON.parse(JSON.stringify(sent.metadata));
  expect(got.metadata, where).toEqual(carried);
  if (got.metadata) expect(Object.getPrototypeOf(got.metadata), `${where}: a plain object`).toBe(Object.prototype);
}

describe.runIf(append)('append_messages with hostile messages', () => {
  it('rejects naming messages[i].<field>, or stores and reads back exactly', { timeout: 60_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(goodMessage, { maxLength: 3 }), badMessage, fc.nat(), async (good, bad, at) => {
        const i = at % (good.length + 1);
        const messages = [...good.slice(0, i), bad.message, ...good.slice(i)];
        const ctx = await contextFor(append!);
        const types = admittedTypes(
          (append!.inputSchema as JsonSchema).properties!.messages!.items!.properties?.[bad.field] ?? {},
        );
        const wrongTyped =
          types !== undefined &&
          bad.field !== '' &&
          !(bad.field in bad.message && admits(types, bad.message[bad.field]));
        const names = bad.field === '' || bad.field === 'tool_calls' ? `messages[${i}]` : `messages[${i}].${bad.field}`;
        const result = await callChecked(
          append!,
          { conversation_id: ctx.conversationId, messages },
          { mustReject: bad.mustReject || wrongTyped, names },
        );
        if (result.isError) return;
        const page = await env.call('get_history', { conversation_id: ctx.conversationId, after_seq: 5, limit: 500 });
        expect(page.messages).toHaveLength(messages.length);
        messages.forEach((sent, k) => {
          expectSame(page.messages[k], sent, `messages[${k}] read back`);
        });
      }),
      { numRuns: 150 },
    );
  });

  it('never drops a "__proto__" metadata key silently: stored as plain own data, or refused naming the field', async () => {
    const ctx = await freshContext();
    const metadata = protoKeyed({ 'k\u0000': 'v\u0000' });
    const messages = [{ role: 'user', content: 'a\u0001b', metadata }];
    const result = await callChecked(
      append!,
      { conversation_id: ctx.conversationId, messages },
      { mustReject: false, names: 'messages[0].metadata' },
    );
    if (result.isError) {
      expect(text(result)).toContain('__proto__');
      return;
    }
    const page = await env.call('get_history', { conversation_id: ctx.conversationId, after_seq: 5 });
    expectSame(page.messages[0], messages[0]!, 'read back');
    expect(Object.keys(page.messages[0].metadata)).toEqual(['__proto__', 'constructor', 'prototype', 'k\u0000']);
  });

  it('refuses a NUL character in stored text on every backend, naming the field (PostgreSQL cannot store it)', async () => {
    const ctx = await freshContext();
    const before = await fingerprint();
    const error = await env.callError('append_messages', {
      conversation_id: ctx.conversationId,
      messages: [
        { role: 'user', content: 'fine' },
        { role: 'user', content: 'a\u0000b' },
      ],
    });
    expect(error).toMatch(/NUL character \(U\+0000\).*at messages\[1\]\.content/);
    expect(await fingerprint()).toBe(before);
    expect(await env.callError('create_conversation', { title: 'x\u0000' })).toMatch(/NUL character.*at title/);
  });

  it('stores "constructor" and "prototype" keys, nested "__proto__" keys, control characters and NUL in metadata exactly', async () => {
    const ctx = await freshContext();
    const metadata = {
      constructor: { prototype: { polluted: 'yes' } },
      prototype: 1,
      nested: protoKeyed(),
      'k\u0000': 'v\u0000',
    };
    const messages = [{ role: 'user', content: 'a\u0001b\u001f', metadata }];
    const result = await callChecked(
      append!,
      { conversation_id: ctx.conversationId, messages },
      { mustReject: false, names: 'messages[0].metadata' },
    );
    expect(result.isError, text(result)).toBeFalsy();
    const page = await env.call('get_history', { conversation_id: ctx.conversationId, after_seq: 5 });
    expectSame(page.messages[0], messages[0]!, 'read back');
    expect(Object.keys(page.messages[0].metadata.nested)).toEqual(['__proto__', 'constructor', 'prototype']);
  });

  it('names the field of a 10,000-deep metadata object instead of failing inside', async () => {
    const ctx = await freshContext();
    for (const kind of ['array', 'object'] as const) {
      const messages = [
        { role: 'user', content: 'ok' },
        { role: 'user', content: 'deep', metadata: { deep: nested(10_000, kind) } },
      ];
      const result = await callChecked(
        append!,
        { conversation_id: ctx.conversationId, messages },
        { mustReject: true, names: 'messages[1].metadata' },
      );
      expect(result.isError).toBe(true);
    }
  });
});

// --- cursors: forged, or issued for another conversation / tool -----------------------------------
const cursorTools = tools.filter((t) => 'cursor' in ((t.inputSchema as JsonSchema).properties ?? {}));

describe.runIf(cursorTools.length > 0)('cursors', () => {
  it('a forged cursor, or one issued elsewhere, is rejected naming cursor or serves only the asked conversation', {
    timeout: 60_000,
  }, async () => {
    // Real cursors: a conversation big enough to page in every cursor-taking tool.
    const rich = await freshContext();
    // Few matches per message: FTS5 snippet() costs grow with the square of the hits in one message.
    const filler = 'lorem ipsum '.repeat(4_000);
    for (let k = 0; k < 4; k++) {
      await env.call('append_messages', {
        conversation_id: rich.conversationId,
        messages: [{ role: 'user', content: `hello ${k} ${filler}` }],
      });
    }
    const issued: string[] = [];
    for (const tool of cursorTools.filter((t) => validBase.get(t.name))) {
      const props = (tool.inputSchema as JsonSchema).properties!;
      const r = await env.callRaw(tool.name, { ...baseArgs(tool, rich), ...('limit' in props && { limit: 1 }) });
      const next = (r.structuredContent as { next_cursor?: unknown } | undefined)?.next_cursor;
      if (typeof next === 'string') issued.push(next);
    }
    expect(issued.length, 'some tool issued a cursor to reuse').toBeGreaterThan(0);

    const usable = cursorTools.filter((t) => validBase.get(t.name));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...usable),
        fc.oneof(fc.constantFrom(...issued), forgedCursor),
        async (tool, cursor) => {
          const ctx = await contextFor(tool); // another conversation than the one the cursor came from
          const args: Record<string, unknown> = { ...baseArgs(tool, ctx), cursor };
          const result = await callChecked(tool, args, { mustReject: false, names: 'cursor' });
          const asked = args.conversation_id;
          const answered = (result.structuredContent as { conversation_id?: unknown } | undefined)?.conversation_id;
          if (!result.isError && asked !== undefined && answered !== undefined) expect(answered).toBe(asked);
        },
      ),
      { numRuns: 60 },
    );
  });
});
