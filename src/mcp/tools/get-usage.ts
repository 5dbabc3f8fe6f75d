import { z } from 'zod';
import { usageView } from '../../history/account/schemas.js';
import { defineTool, READ_ONLY } from './define-tool.js';

export const getUsageTool = defineTool({
  name: 'get_usage',
  title: 'Get usage',
  description:
    'How much you store against your quotas (conversations, bytes), what is in the trash, and the retention ' +
    'rules. Use it when a write was refused for a quota.',
  inputSchema: () => z.strictObject({}),
  outputSchema: usageView,
  annotations: READ_ONLY,
  async run(history) {
    const u = await history.getUsage();
    const of = (n: number, max: number | null) => (max === null ? `${n}` : `${n} of ${max}`);
    return {
      structured: u,
      text:
        `Conversations: ${of(u.conversations, u.max_conversations)}. Bytes: ${of(u.bytes, u.max_bytes)}. ` +
        `Trash: ${u.trash} (kept ${u.trash_days} days).` +
        (u.retain_days === null ? '' : ` Inactive conversations go to the trash after ${u.retain_days} days.`),
    };
  },
});
