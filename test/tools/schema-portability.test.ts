import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAiStrictSchema } from '../../src/mcp/openai-strict.js';
import { setup } from '../support/harness.js';
import {
  anthropicProblems,
  geminiProblems,
  openAiProblems,
  openAiStrictProblems,
  type Schema,
} from '../support/provider-schemas.js';

/**
 * Every published inputSchema, forwarded unchanged as an Anthropic `input_schema`, an OpenAI
 * function's `parameters` or a Gemini function declaration's `parameters`, is accepted by that
 * provider's documented rules (test/support/provider-schemas.ts quotes them).
 */
type Env = Awaited<ReturnType<typeof setup>>;
let env: Env;
let tools: { name: string; inputSchema: Schema }[];
beforeAll(async () => {
  env = await setup();
  tools = (await env.client.listTools()).tools as typeof tools;
});
afterAll(() => env.close());

/**
 * Objects that are free-form on purpose, which Gemini's `parameters` cannot express (it wants
 * declared properties): metadata is any JSON object the caller chooses, and import's data is a
 * whole transcript in one of three formats, checked by the importer. docs/tools.md says so;
 * gemini-cli and the google-genai SDK send MCP schemas as `parametersJsonSchema`, which takes them.
 */
const FREE_FORM: Record<string, string[]> = {
  create_conversation: ['$.metadata'],
  update_conversation: ['$.metadata'],
  append_messages: ['$.messages[].metadata'],
  import_conversation: ['$.data|anyOf[0]', '$.data|anyOf[1][]'],
};

describe('published input schemas', () => {
  it('are accepted as an Anthropic input_schema', () => {
    for (const t of tools) expect(anthropicProblems(t.inputSchema), t.name).toEqual([]);
  });

  it('are accepted as OpenAI function parameters (non-strict)', () => {
    for (const t of tools) expect(openAiProblems(t.inputSchema), t.name).toEqual([]);
  });

  it('are accepted as Gemini function declaration parameters, but for the free-form objects listed', () => {
    for (const t of tools) {
      expect(geminiProblems(t.inputSchema, new Set(FREE_FORM[t.name] ?? [])), t.name).toEqual([]);
    }
    // The exceptions are real (each one is refused without its entry), so the list cannot go stale.
    for (const [name, paths] of Object.entries(FREE_FORM)) {
      const schema = tools.find((t) => t.name === name)!.inputSchema;
      expect(geminiProblems(schema), name).toEqual(paths.map((p) => `${p}: object without properties`));
    }
  });

  it('state what the rules refuse when it is there: the checks catch the forms the SDK emits', () => {
    const sdkForm: Schema = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: {
        a: { type: ['string', 'null'] },
        b: { type: 'string', const: 'function' },
        c: { type: 'object', propertyNames: { type: 'string' }, additionalProperties: {} },
        d: { description: 'untyped' },
      },
      additionalProperties: false,
    };
    expect(geminiProblems(sdkForm)).toEqual(
      expect.arrayContaining([
        '$: unknown field $schema',
        '$: unknown field additionalProperties',
        '$.a: type must be one string',
        '$.b: unknown field const',
        '$.c: unknown field propertyNames',
        '$.d: type must be one string',
      ]),
    );
    expect(anthropicProblems({ anyOf: [{ type: 'object' }] })).toContain('$: type must be "object"');
    expect(openAiProblems({ type: 'object', enum: [{}] })).toContain('$: enum is not allowed at the root');
    expect(anthropicProblems({ type: 'object', properties: { x: { type: 'text' } } })[0]).toMatch(
      /not valid JSON Schema/,
    );
  });

  it('have an OpenAI strict form, accepted by strict mode, exactly where no meaning is lost (docs/tools.md lists them)', () => {
    const forms = tools.map((t) => ({ name: t.name, form: openAiStrictSchema(t.inputSchema) }));
    const strict = forms.filter((f) => 'schema' in f.form);
    expect(strict.map((f) => f.name)).toEqual([
      'get_conversation',
      'delete_conversation',
      'restore_conversation',
      'delete_messages',
      'set_summary',
    ]);
    for (const { name, form } of strict)
      expect(openAiStrictProblems((form as { schema: Schema }).schema), name).toEqual([]);
    // The published forms themselves are not strict-ready (strict wants closed objects): the check can fail.
    expect(openAiStrictProblems(tools.find((t) => t.name === 'set_summary')!.inputSchema)).toContain(
      '$: additionalProperties must be false',
    );
    const blockers = Object.fromEntries(forms.map((f) => [f.name, 'blocker' in f.form ? f.form.blocker : null]));
    expect(blockers.create_conversation).toMatch(/optional fields/);
    expect(openAiStrictSchema({ type: 'object', properties: { m: { type: 'object' } }, required: ['m'] })).toEqual({
      blocker: '$.m is a free-form object',
    });
  });
});

describe('server-side validation, unchanged by the published form', () => {
  it('still refuses a field a tool does not know, naming it (the schemas no longer say additionalProperties)', async () => {
    for (const t of tools) {
      const text = await env.callError(t.name, { surplus_field: 1 });
      expect(text, t.name).toContain('surplus_field');
    }
  });
});
