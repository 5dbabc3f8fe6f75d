import { z } from 'zod';
import { invalidField } from '../../core/validate.js';
import type { MessageView } from '../../messages/schemas.js';
import { ARGUMENTS_JSON_DEPTH, argumentsAsJson, tooDeepForArguments } from './arguments-json.js';
import { type ParsedImport, parseAt, type Renderer } from './format.js';

/**
 * The Anthropic Messages API shape: `{ system?, messages: [{ role, content: [blocks] }] }`.
 * System messages are pulled out and joined into `system`; tool calls are `tool_use` blocks
 * (input = the arguments parsed as JSON); tool results are `tool_result` blocks in a user
 * turn; consecutive turns of one role are merged, as the API requires alternation.
 * Names, metadata and timestamps are not carried (a tool result's `is_error: true` is kept as
 * the tool message's metadata `{ "is_error": true }` and written back).
 */

type Role = 'user' | 'assistant';
type Block =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> }
  | { type: 'tool_result'; tool_use_id: string; content: string; is_error?: true };
interface Turn {
  role: Role;
  content: Block[];
}

const RAW = '_raw';

/**
 * `input` must be a JSON object. Arguments that are not one (invalid JSON, an array, a string)
 * are wrapped as `{ "_raw": "<arguments>" }`; so is an object whose only key is `_raw`, so
 * that import can always unwrap `{ _raw }` back to the exact string; and so is an object
 * nested deeper than ARGUMENTS_JSON_DEPTH levels (see arguments-json.ts).
 */
export function toolInput(args: string): Record<string, unknown> {
  const v = argumentsAsJson(args)?.value;
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && !isRawWrapper(v)) return v as Record<string, unknown>;
  return { [RAW]: args };
}

export function toolArguments(input: Record<string, unknown>): string {
  return isRawWrapper(input) ? (input[RAW] as string) : JSON.stringify(input);
}

function isRawWrapper(v: object): boolean {
  const keys = Object.keys(v);
  return keys.length === 1 && keys[0] === RAW && typeof (v as Record<string, unknown>)[RAW] === 'string';
}

function turnRole(m: MessageView): Role | null {
  return m.role === 'system' ? null : m.role === 'assistant' ? 'assistant' : 'user';
}

function blocksOf(m: MessageView): Block[] {
  if (m.role === 'tool') {
    const isError = m.metadata?.is_error === true;
    return [
      {
        type: 'tool_result',
        tool_use_id: m.tool_call_id!,
        content: m.content ?? '',
        ...(isError && { is_error: true as const }),
      },
    ];
  }
  const blocks: Block[] = m.content === null || m.content === '' ? [] : [{ type: 'text', text: m.content }];
  for (const c of m.tool_calls ?? [])
    blocks.push({ type: 'tool_use', id: c.id, name: c.function.name, input: toolInput(c.function.arguments) });
  return blocks;
}

export const anthropicRenderer: Renderer = {
  render(page) {
    const system = page.messages.filter((m) => m.role === 'system').map((m) => m.content ?? '');
    const turns: Turn[] = [];
    for (const m of page.messages) {
      const role = turnRole(m);
      if (role === null) continue;
      const last = turns.at(-1);
      if (last?.role === role) last.content.push(...blocksOf(m));
      else turns.push({ role, content: blocksOf(m) });
    }
    return { data: system.length > 0 ? { system: system.join('\n\n'), messages: turns } : { messages: turns } };
  },
  // A page may end only where the next turn has the other role: then pages concatenate
  // without merging. (Where a page has no such point, the client merges; see concatPages.)
  canBreak(before, next) {
    const role = turnRole(next);
    const previous = before.findLast((m) => m.role !== 'system');
    return role !== null && previous !== undefined && turnRole(previous) !== role;
  },
};

// --- import --------------------------------------------------------------------------------

const ignored = z.unknown().optional().describe('Accepted and not stored.');
const textBlock = z.strictObject({
  type: z.literal('text'),
  text: z.string(),
  cache_control: ignored,
  citations: ignored,
});
const toolUseBlock = z.strictObject({
  type: z.literal('tool_use'),
  id: z.string(),
  name: z.string(),
  input: z.record(z.string(), z.unknown(), 'input must be a JSON object'),
  cache_control: ignored,
});
const toolResultBlock = z.strictObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string(),
  content: z.union([z.string(), z.array(textBlock)], 'content must be a string or an array of text blocks').optional(),
  is_error: z.boolean().optional(),
  cache_control: ignored,
});
const turnSchema = z.strictObject({
  role: z.enum(['user', 'assistant'], 'role must be "user" or "assistant" (system prompts go in `system`)'),
  content: z.union(
    [z.string(), z.array(z.looseObject({ type: z.string() }))],
    'content must be a string or an array of content blocks',
  ),
});
/** A request body's other fields (model, max_tokens, tools …) are ignored. */
const dataSchema = z.looseObject({
  system: z.union([z.string(), z.array(textBlock)], 'system must be a string or an array of text blocks').optional(),
  messages: z.array(turnSchema, 'messages must be an array of turns'),
});

/** Where each part of a candidate message came from in `data`. */
interface Origin {
  base: PropertyKey[];
  content: PropertyKey[];
  toolCallId?: PropertyKey[];
  calls: PropertyKey[][];
}

export function parseAnthropic(data: unknown): ParsedImport {
  const doc = parseAt(dataSchema, data, ['data']);
  const messages: Array<Record<string, unknown>> = [];
  const origins: Origin[] = [];
  const add = (m: Record<string, unknown>, o: Origin) => {
    messages.push(m);
    origins.push(o);
  };

  if (typeof doc.system === 'string') {
    if (doc.system !== '')
      add(
        { role: 'system', content: doc.system },
        { base: ['data', 'system'], content: ['data', 'system'], calls: [] },
      );
  } else {
    doc.system?.forEach((b, i) => {
      add(
        { role: 'system', content: b.text },
        { base: ['data', 'system', i], content: ['data', 'system', i, 'text'], calls: [] },
      );
    });
  }

  doc.messages.forEach((turn, t) => {
    const at: PropertyKey[] = ['data', 'messages', t];
    if (typeof turn.content === 'string') {
      add({ role: turn.role, content: turn.content }, { base: at, content: [...at, 'content'], calls: [] });
      return;
    }
    let current: { message: Record<string, unknown>; origin: Origin } | undefined;
    turn.content.forEach((raw, b) => {
      const path = [...at, 'content', b];
      if (raw.type === 'text') {
        const block = parseAt(textBlock, raw, path);
        const message = { role: turn.role, content: block.text };
        const origin: Origin = { base: path, content: [...path, 'text'], calls: [] };
        add(message, origin);
        current = turn.role === 'assistant' ? { message, origin } : undefined;
      } else if (raw.type === 'tool_use' && turn.role === 'assistant') {
        const block = parseAt(toolUseBlock, raw, path);
        // Serializing deeper input would overflow the stack; export never writes it (it wraps
        // such arguments as { _raw }), and that form is how to import them.
        if (tooDeepForArguments(block.input)) {
          throw invalidField(
            [...path, 'input'],
            `input is nested deeper than ${ARGUMENTS_JSON_DEPTH} levels: give such arguments as { "_raw": "<the arguments as a JSON string>" }, which is stored as that string`,
          );
        }
        if (current === undefined) {
          current = { message: { role: 'assistant', content: null }, origin: { base: path, content: path, calls: [] } };
          add(current.message, current.origin);
        }
        current.message.tool_calls ??= [];
        const calls = current.message.tool_calls as unknown[];
        calls.push({
          id: block.id,
          type: 'function',
          function: { name: block.name, arguments: toolArguments(block.input) },
        });
        current.origin.calls.push(path);
      } else if (raw.type === 'tool_result' && turn.role === 'user') {
        const block = parseAt(toolResultBlock, raw, path);
        const content =
          typeof block.content === 'string' ? block.content : block.content?.map((p) => p.text).join('\n');
        add(
          {
            role: 'tool',
            tool_call_id: block.tool_use_id,
            content,
            ...(block.is_error === true && { metadata: { is_error: true } }),
          },
          { base: path, content: [...path, 'content'], toolCallId: [...path, 'tool_use_id'], calls: [] },
        );
      } else if (raw.type === 'tool_use' || raw.type === 'tool_result') {
        throw invalidField(
          [...path, 'type'],
          `${raw.type} blocks belong in ${raw.type === 'tool_use' ? 'assistant' : 'user'} turns`,
        );
      } else {
        throw invalidField(
          [...path, 'type'],
          `block type "${raw.type}" cannot be imported: only text, tool_use and tool_result blocks are supported; remove it first`,
        );
      }
    });
  });

  return {
    conversation: {},
    messages,
    createdAt: messages.map(() => undefined),
    pathOf(i, rest) {
      const o = origins[i]!;
      const [head, index, ...tail] = rest;
      if (head === 'content') return [...o.content, ...rest.slice(1)];
      if (head === 'tool_call_id') return [...(o.toolCallId ?? o.base), ...rest.slice(1)];
      if (head === 'tool_calls' && typeof index === 'number' && o.calls[index] !== undefined) {
        // tool_calls[j].id -> the block's id, .function.name -> name, .function.arguments -> input.
        const field =
          tail[0] === 'function' ? [tail[1] === 'arguments' ? 'input' : 'name'] : tail[0] === 'id' ? ['id'] : [];
        return [...o.calls[index], ...field];
      }
      return [...o.base, ...rest];
    },
  };
}
