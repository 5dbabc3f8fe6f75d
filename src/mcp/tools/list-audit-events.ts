import type { AuditEventView } from '../../history/account/schemas.js';
import { auditPageView, listAuditEventsInputSchema } from '../../history/account/schemas.js';
import { defineTool, READ_ONLY } from './define-tool.js';

export const listAuditEventsTool = defineTool({
  name: 'list_audit_events',
  title: 'List audit events',
  description:
    'Your audit trail, newest first: each change to your memory (what, when, by which client or token, which ' +
    'seqs), never content. Use it to check what changed or was deleted.',
  inputSchema: () => listAuditEventsInputSchema,
  outputSchema: auditPageView,
  annotations: READ_ONLY,
  async run(history, args) {
    const page = await history.listAuditEvents(args);
    const lines = page.events.map(eventLine);
    if (lines.length === 0) lines.push('No events.');
    if (page.next_cursor !== null) lines.push(`More: call again with cursor "${page.next_cursor}".`);
    return { structured: page, text: lines.join('\n') };
  },
});

function eventLine(e: AuditEventView): string {
  const by = [e.actor.kind, e.actor.name, e.actor.id].filter((p) => p !== undefined).join(' ');
  const seqs = e.first_seq === undefined ? '' : ` seq ${e.first_seq}–${e.last_seq}`;
  const on = e.conversation_id === null ? '' : ` ${e.conversation_id}`;
  return `${e.at} ${e.operation}${on}${seqs} (${e.outcome}) by ${by}`;
}
