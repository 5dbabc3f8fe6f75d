import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARGUMENTS_JSON_DEPTH, prettyLength } from '../../src/history/transfer/formats/arguments-json.js';
import { concatPages, type ExportFormat, type Rendered } from '../../src/history/transfer/formats/index.js';
import { setup } from '../support/harness.js';
import { nested } from '../support/hostile.js';

/**
 * Tool-call arguments are a string, but anthropic (tool_use `input`) and markdown (pretty
 * JSON) read them as JSON. Nested beyond ARGUMENTS_JSON_DEPTH they stay the original string,
 * so that every format exports (no stack overflow serializing them) and imports back to the
 * same bytes; and markdown's pretty-printing never grows a transcript out of proportion.
 */
type Env = Awaited<ReturnType<typeof setup>>;
let env: Env;
let fresh: Env;
let id: string;

const deepObjects = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
const deepArrays = (n: number) => '['.repeat(n) + ']'.repeat(n);

/** Arguments that used to make an export fail, and the two sides of the bound. */
const ARGS: Record<string, string> = {
  objects5k: deepObjects(5_000),
  // Shallow enough for JSON.stringify, deep enough that pretty-printing it is quadratic.
  objects2k: deepObjects(2_000),
  arrays5kInObject: `{"x":${deepArrays(5_000)}}`,
  // 100,000 brackets in one argument string near --max-content-bytes (256 KiB).
  arrays100kInObject: `{"pad":"${'p'.repeat(50_000)}","x":${deepArrays(100_000)}}`,
  atBound: deepObjects(ARGUMENTS_JSON_DEPTH),
  nested8: deepObjects(8),
  pastBound: deepObjects(ARGUMENTS_JSON_DEPTH + 1),
  plain: '{"city":"Paris","days":[1,2]}',
};
const NAMES = Object.keys(ARGS);
const FORMATS: ExportFormat[] = ['json', 'markdown', 'openai', 'anthropic'];

beforeAll(async () => {
  env = await setup();
  fresh = await setup();
  id = (await env.call('create_conversation', { title: 'deep' })).conversation.id;
  await env.call('append_messages', { conversation_id: id, messages: [{ role: 'user', content: 'go' }] });
  for (const name of NAMES) {
    await env.call('append_messages', {
      conversation_id: id,
      messages: [
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: `call_${name}`, type: 'function', function: { name: 'f', arguments: ARGS[name] } }],
        },
        { role: 'tool', tool_call_id: `call_${name}`, content: `result of ${name}` },
      ],
    });
  }
});
afterAll(async () => {
  await env?.close();
  await fresh?.close();
});

async function exportWhole(format: ExportFormat): Promise<{ whole: any; pageBytes: number[] }> {
  const pages: Rendered[] = [];
  const pageBytes: number[] = [];
  let cursor: string | undefined;
  do {
    const result = await env.callRaw('export_conversation', { conversation_id: id, format, ...(cursor && { cursor }) });
    expect(result.isError, `${format}: ${JSON.stringify(result.content).slice(0, 300)}`).toBeFalsy();
    const page = result.structuredContent as any;
    pages.push(format === 'markdown' ? { text: page.text } : { data: page.data });
    pageBytes.push(Buffer.byteLength(JSON.stringify(result)));
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined);
  const whole = concatPages(format, pages);
  return { whole: 'text' in whole ? whole.text : whole.data, pageBytes };
}

async function storedArguments(conversationId: string, client: Env): Promise<string[]> {
  const page = await client.call('get_history', { conversation_id: conversationId, after_seq: 0, limit: 500 });
  return page.messages.flatMap((m: any) => (m.tool_calls ?? []).map((c: any) => c.function.arguments));
}

describe('deeply nested tool-call arguments', () => {
  it('export in every format, each page within reach of the page budget', { timeout: 60_000 }, async () => {
    // The largest message holds ~250 KB of arguments, and a tool result carries its text twice
    // (structuredContent and content): ~0.5 MB. The 2,000-level arguments pretty-printed made
    // an 8 MB page.
    for (const format of FORMATS) {
      const { pageBytes } = await exportWhole(format);
      for (const bytes of pageBytes) expect(bytes, format).toBeLessThan(1024 * 1024);
    }
  });

  it('anthropic: input is the parsed object up to the bound, { _raw: <arguments> } beyond it', async () => {
    const { whole } = await exportWhole('anthropic');
    const inputs = new Map<string, unknown>(
      whole.messages.flatMap((t: any) =>
        t.content.filter((b: any) => b.type === 'tool_use').map((b: any) => [b.id.slice('call_'.length), b.input]),
      ),
    );
    expect(inputs.get('plain')).toEqual({ city: 'Paris', days: [1, 2] });
    expect(inputs.get('atBound')).toEqual(JSON.parse(ARGS.atBound!));
    for (const name of ['objects5k', 'objects2k', 'arrays5kInObject', 'arrays100kInObject', 'pastBound'])
      expect(inputs.get(name), name).toEqual({ _raw: ARGS[name] });
  });

  it('markdown: pretty-printed when shallow and short enough, the original text otherwise', async () => {
    const { whole } = await exportWhole('markdown');
    for (const name of ['plain', 'nested8'])
      expect(whole, name).toContain(JSON.stringify(JSON.parse(ARGS[name]!), null, 2));
    // Within the depth bound, but its indentation would make it 20 times longer.
    expect(whole).toContain(`\`\`\`json\n${ARGS.atBound}\n\`\`\``);
    for (const name of ['objects5k', 'objects2k', 'arrays5kInObject', 'arrays100kInObject', 'pastBound'])
      expect(whole, name).toContain(`\`\`\`json\n${ARGS[name]}\n\`\`\``);
  });

  it('every importable format brings the same argument bytes back', { timeout: 60_000 }, async () => {
    const original = await storedArguments(id, env);
    expect(original).toEqual(NAMES.map((n) => ARGS[n]));
    for (const format of ['json', 'openai', 'anthropic'] as const) {
      const { whole } = await exportWhole(format);
      const copy = await fresh.call('import_conversation', { format, data: whole });
      expect(await storedArguments(copy.id, fresh), format).toEqual(original);
    }
  });

  it('anthropic import: input nested past the bound is refused naming it; { _raw } carries any depth', async () => {
    const turns = (input: unknown) => ({
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'ok' }] },
      ],
    });
    for (const kind of ['object', 'array'] as const) {
      const error = await fresh.callError('import_conversation', {
        format: 'anthropic',
        data: turns({ deep: nested(5_000, kind) }),
      });
      expect(error).toBe(
        `input is nested deeper than ${ARGUMENTS_JSON_DEPTH} levels: give such arguments as { "_raw": "<the arguments as a JSON string>" }, which is stored as that string at data.messages[1].content[0].input`,
      );
    }
    const atBound = await fresh.call('import_conversation', {
      format: 'anthropic',
      data: turns(JSON.parse(ARGS.atBound!)),
    });
    expect(await storedArguments(atBound.id, fresh)).toEqual([ARGS.atBound]);
    const raw = await fresh.call('import_conversation', { format: 'anthropic', data: turns({ _raw: ARGS.objects5k }) });
    expect(await storedArguments(raw.id, fresh)).toEqual([ARGS.objects5k]);
  });

  it('markdown keeps a transcript proportional to the arguments: no pretty-printing that multiplies them', async () => {
    // Shallow enough to pretty-print, but each `1,` would become a 120-byte line.
    const wide = `${'['.repeat(60)}${'1,'.repeat(20_000)}1${']'.repeat(60)}`;
    const c = (await env.call('create_conversation', {})).conversation.id;
    await env.call('append_messages', {
      conversation_id: c,
      messages: [
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'w', type: 'function', function: { name: 'f', arguments: wide } }],
        },
      ],
    });
    const page = await env.call('export_conversation', { conversation_id: c, format: 'markdown' });
    expect(page.text).toContain(wide);
    expect(page.text.length).toBeLessThan(wide.length + 1024);
  });
});

describe('prettyLength', () => {
  it('is the length of JSON.stringify(value, null, 2), or Infinity past the cap', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat({ max: 400 }), (value, cap) => {
        const pretty = JSON.stringify(value, null, 2);
        expect(prettyLength(value, Number.POSITIVE_INFINITY)).toBe(pretty.length);
        expect(prettyLength(value, cap)).toBe(pretty.length <= cap ? pretty.length : Number.POSITIVE_INFINITY);
      }),
      { numRuns: 500 },
    );
  });
});
