import type { z } from 'zod';

/**
 * Tool-call rules that need no database, shared by append (a batch added to a conversation)
 * and import (a batch that IS the conversation): call ids unique within the batch, and a tool
 * result that answers a call from the batch comes after it. For a new conversation
 * (`newConversation`) nothing is stored yet, so a result whose call is not earlier in the
 * batch is an orphan; for an append, such results are checked against the stored calls
 * inside the append transaction.
 */
/** What the rule reads of a message (the schema's MessageInput has it). */
interface CallsAndAnswers {
  tool_calls?: ReadonlyArray<{ id: string }>;
  tool_call_id?: string;
}

export function checkToolCallOrder(
  messages: readonly CallsAndAnswers[],
  ctx: z.RefinementCtx,
  options: { at: readonly PropertyKey[]; newConversation: boolean },
): void {
  const at = (...path: PropertyKey[]) => [...options.at, ...path];
  const declaredAt = new Map<string, number>();
  messages.forEach((m, i) => {
    m.tool_calls?.forEach((call, j) => {
      const first = declaredAt.get(call.id);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: at(i, 'tool_calls', j, 'id'),
          message: `tool call id "${call.id}" repeats one already used by messages[${first}]`,
        });
      } else {
        declaredAt.set(call.id, i);
      }
    });
  });
  messages.forEach((m, i) => {
    if (m.tool_call_id === undefined) return;
    const declared = declaredAt.get(m.tool_call_id);
    if (declared !== undefined && declared >= i) {
      ctx.addIssue({
        code: 'custom',
        path: at(i, 'tool_call_id'),
        message: `tool_call_id "${m.tool_call_id}" answers a call made later, by messages[${declared}]: a tool result must follow its call`,
      });
    } else if (declared === undefined && options.newConversation) {
      ctx.addIssue({
        code: 'custom',
        path: at(i, 'tool_call_id'),
        message: `tool_call_id "${m.tool_call_id}" does not answer any tool call made earlier in this conversation; put the assistant message with that call before it`,
      });
    }
  });
}
