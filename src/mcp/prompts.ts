import { completable } from '@modelcontextprotocol/sdk/server/completable.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { PromptMessage } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { ContextView } from '../history/context/schemas.js';
import type { OwnerHistory } from '../history/store.js';
import type { Logger } from '../logger.js';
import { withinBudget } from './response-guard.js';
import { asProtocolError } from './results.js';

export interface PromptDeps {
  history: OwnerHistory;
  logger: Logger;
  /**
   * Names of the tools the server offers: a prompt never asks for a tool the model lacks
   * (without set_summary there is no summarize prompt; resume mentions append_messages only
   * when it is offered).
   */
  offered: ReadonlySet<string>;
}

const DEFAULT_RESUME_TOKENS = 8000;

/**
 * Prompts a person picks in the client to put stored memory in front of the model:
 * resume_conversation (the token-budgeted context window) and summarize_conversation
 * (a transcript plus instructions to store a summary with set_summary).
 */
export function registerPrompts(server: McpServer, { history, logger, offered }: PromptDeps): void {
  const guard = <T>(fn: () => Promise<T>) => asProtocolError(fn, logger);
  // Prompt arguments are strings in MCP; the id completes from this owner's conversations.
  const conversationId = completable(z.string().describe('Id of the conversation.'), (value) =>
    history.completeConversationIds(value),
  );

  server.registerPrompt(
    'resume_conversation',
    {
      title: 'Resume conversation',
      description: 'Load the most recent part of a stored conversation (within a token budget) to continue it.',
      argsSchema: {
        conversation_id: conversationId,
        max_tokens: z
          .string()
          .regex(/^[1-9]\d{0,6}$/, 'max_tokens must be a whole number of tokens')
          .optional()
          .describe(`Token budget for the loaded context (default ${DEFAULT_RESUME_TOKENS}).`),
      },
    },
    async ({ conversation_id, max_tokens }) =>
      guard(async () => {
        const context = await history.getContext({
          conversation_id,
          max_tokens: max_tokens === undefined ? DEFAULT_RESUME_TOKENS : Number(max_tokens),
        });
        const result = {
          description: `Context of conversation ${conversation_id}`,
          messages: resumeMessages(context, offered.has('append_messages')),
        };
        return withinBudget(result, history.limits.maxResponseBytes, 'prompt resume_conversation');
      }),
  );

  if (!offered.has('set_summary')) return;
  server.registerPrompt(
    'summarize_conversation',
    {
      title: 'Summarize conversation',
      description: 'Ask the model to summarize a stored conversation and save the summary with set_summary.',
      argsSchema: { conversation_id: conversationId },
    },
    async ({ conversation_id }) =>
      guard(async () => {
        // The first export page: the summary covers messages 1..last_seq of what the model reads.
        const page = await history.exportConversation({ conversation_id, format: 'markdown' });
        const through = page.last_seq ?? 0;
        const instructions =
          `Summarize messages 1–${through} of conversation ${conversation_id} (the transcript below) for your own later use: ` +
          'the goals, decisions, facts learned (including tool results that matter), open questions and commitments. ' +
          'Be concise but keep names, numbers and identifiers exact. Then store it by calling set_summary with ' +
          `conversation_id "${conversation_id}", through_seq ${through} and the summary text.`;
        const transcript = 'text' in page ? String(page.text) : JSON.stringify(page.data);
        const result = {
          description: `Summarize conversation ${conversation_id}`,
          messages: [
            {
              role: 'user' as const,
              content: { type: 'text' as const, text: `${instructions}\n\n---\n\n${transcript}` },
            },
          ],
        };
        return withinBudget(result, history.limits.maxResponseBytes, 'prompt summarize_conversation');
      }),
  );
}

/**
 * The context window as prompt messages. MCP prompts have only user and assistant roles, so
 * system text, the summary and tool results are given as marked user turns.
 */
function resumeMessages(context: ContextView, canAppend: boolean): PromptMessage[] {
  const intro =
    `Resuming conversation ${context.conversation_id}: ${context.messages.length} stored message(s) follow` +
    (context.omitted_count > 0 ? ` (${context.omitted_count} older ones omitted).` : '.') +
    ' Continue from where it left off' +
    (canAppend ? '; store new turns with append_messages.' : '.');
  const text = (role: 'user' | 'assistant', t: string): PromptMessage => ({ role, content: { type: 'text', text: t } });
  return [
    text('user', intro),
    ...context.messages.map((m) => {
      if (m.role === 'system') return text('user', `[system]\n${m.content}`);
      if (m.role === 'tool')
        return text('user', `[tool result for ${'tool_call_id' in m ? m.tool_call_id : '?'}]\n${m.content ?? ''}`);
      if (m.role === 'user') return text('user', m.content ?? '');
      const calls = ('tool_calls' in m ? (m.tool_calls ?? []) : []).map(
        (c) => `[tool call ${c.id}] ${c.function.name}(${c.function.arguments})`,
      );
      return text('assistant', [m.content ?? '', ...calls].filter((line) => line !== '').join('\n'));
    }),
  ];
}
