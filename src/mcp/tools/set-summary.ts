import { setSummaryInputSchema, summarySetView } from '../../history/context/schemas.js';
import { defineTool } from './define-tool.js';

export const setSummaryTool = defineTool({
  name: 'set_summary',
  title: 'Set summary',
  description:
    'Store your summary of messages 1..through_seq, so get_context can return it in place of them when they no ' +
    'longer fit. Messages are kept; a new summary replaces the old one (`replaced`).',
  inputSchema: setSummaryInputSchema,
  outputSchema: summarySetView,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async run(history, args) {
    const result = await history.setSummary(args);
    const replaced = result.replaced ? `; it replaces the summary of 1–${result.replaced.through_seq}` : '';
    return {
      structured: result,
      text: `Stored the summary of messages 1–${result.through_seq} in ${result.conversation_id} (${result.tokens_estimated ? 'about ' : ''}${result.tokens} tokens in get_context)${replaced}.`,
    };
  },
});
