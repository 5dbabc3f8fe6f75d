import type { MessageView } from '../../messages/schemas.js';
import { displayArguments } from './arguments-json.js';
import { breakBeforeNonTool, type Renderer } from './format.js';

/**
 * A transcript for people: the title, then each message under a `##` heading naming its role
 * (and name), its content as-is. An assistant's tool calls follow it, each as a fenced JSON
 * block (arguments pretty-printed when they parse as JSON, else shown raw; JSON too deep or
 * too long once pretty-printed is shown raw too, see arguments-json.ts), with the result
 * that answers it right under it. Metadata and timestamps are left out. Every block starts
 * with a blank line and ends with a newline, so pages concatenate into the whole transcript.
 */

/** A fence longer than any run of backticks inside `body`, so content cannot close it early. */
function fenced(body: string, lang = ''): string {
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${lang}\n${body}${body.endsWith('\n') ? '' : '\n'}${fence}`;
}

/** Inline code that survives backticks inside. */
function code(s: string): string {
  const longest = Math.max(0, ...(s.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(longest + 1);
  const pad = s.startsWith('`') || s.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${s}${pad}${ticks}`;
}

function prettyArguments(args: string): string {
  const shown = displayArguments(args);
  return fenced(shown.text, shown.json ? 'json' : '');
}

function heading(m: MessageView): string {
  const role = m.role === 'tool' ? 'Tool result' : m.role[0]!.toUpperCase() + m.role.slice(1);
  const name = m.name === undefined ? '' : ` (${m.name})`;
  const answers = m.role === 'tool' ? ` · ${code(m.tool_call_id!)}` : '';
  return `## ${role}${name}${answers}`;
}

function body(m: MessageView): string {
  if (m.content === null || m.content === '') return '';
  return `\n\n${m.role === 'tool' ? output(m.content) : m.content}`;
}

/** Tool output, verbatim in a fence (tagged json when it is JSON, for highlighting). */
function output(content: string): string {
  let json = false;
  try {
    JSON.parse(content);
    json = true;
  } catch {
    // Plain text.
  }
  return fenced(content, json ? 'json' : '');
}

function result(m: MessageView): string {
  const name = m.name === undefined ? '' : ` (${m.name})`;
  return `\n\n#### Result${name}\n\n${output(m.content ?? '')}`;
}

export const markdownRenderer: Renderer = {
  render(page) {
    const out: string[] = [];
    if (page.first) {
      const c = page.conversation;
      const details = [
        `${c.message_count} message(s)`,
        `created ${c.created_at}`,
        ...(c.key === null ? [] : [`key ${code(c.key)}`]),
      ];
      // A heading is one line: a title's line breaks become spaces.
      out.push(
        `# ${(c.title ?? 'Untitled conversation').replace(/\s*[\r\n]+\s*/g, ' ')}\n\n_${details.join(' · ')}_\n`,
      );
    }
    const placed = new Set<MessageView>();
    page.messages.forEach((m, i) => {
      if (placed.has(m)) return;
      let block = `\n${heading(m)}${body(m)}`;
      if (m.tool_calls !== undefined) {
        // The run of tool results right after this message: each goes under the call it answers.
        const run: MessageView[] = [];
        for (let j = i + 1; j < page.messages.length && page.messages[j]!.role === 'tool'; j++)
          run.push(page.messages[j]!);
        for (const call of m.tool_calls) {
          block += `\n\n### Tool call ${code(call.function.name)} · ${code(call.id)}\n\n${prettyArguments(call.function.arguments)}`;
          for (const r of run.filter((r) => r.tool_call_id === call.id)) {
            block += result(r);
            placed.add(r);
          }
        }
      }
      out.push(`${block}\n`);
    });
    return { text: out.join('') };
  },
  canBreak: breakBeforeNonTool,
};
