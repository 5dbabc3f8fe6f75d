import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  readSnapshot,
  renderTools,
  root,
  SNAPSHOT,
  TOOLS_DOC,
  TOOLS_END,
  TOOLS_START,
  updateDoc,
} from '../../scripts/tools-doc.js';
import { TOOL_GROUPS, TOOL_PRESETS } from '../../src/mcp/toolsets.js';

/**
 * docs/tools.md's parameter reference is generated from the reviewed listTools() snapshot
 * (test/__snapshots__/tools.json, kept by test/tools/tools.test.ts). These checks need no
 * build and no database: they read the snapshot, so a stale page fails here even when the
 * snapshot was updated without regenerating the docs.
 */
const tools = readSnapshot(SNAPSHOT);

describe('docs/tools.md', () => {
  it('holds the reference generated from the tool snapshot (run `npm run docs:tools` after changing it)', () => {
    const doc = readFileSync(TOOLS_DOC, 'utf8');
    expect(doc.split(TOOLS_START)).toHaveLength(2);
    expect(doc.split(TOOLS_END)).toHaveLength(2);
    expect(updateDoc(doc, tools), 'docs/tools.md is stale: run `npm run docs:tools`').toBe(doc);
  });

  it('documents every tool, argument and result field of the snapshot', () => {
    const block = renderTools(tools);
    for (const tool of tools) {
      expect(block).toContain(`### ${tool.name}\n`);
      for (const field of Object.keys(tool.inputSchema.properties ?? {})) expect(block).toContain(`| \`${field}\` |`);
      for (const field of Object.keys(tool.outputSchema?.properties ?? {})) expect(block).toContain(`| \`${field}\` |`);
    }
  });

  it('renders nested fields, limits and alternatives', () => {
    const block = renderTools(tools);
    expect(block).toContain('| `messages[].tool_calls[].function.arguments` | string | yes |');
    expect(block).toContain('| `messages` | array (1–100 items) of object | yes |');
    expect(block).toContain('| `limit` | integer 1–500 | no |');
    expect(block).toContain('`"system"` \\| `"user"` \\| `"assistant"` \\| `"tool"`');
    expect(block).toContain('| `key` | string, 1–200 characters or null | no |');
    // zod's safe-integer bounds say nothing to a reader
    expect(block).not.toContain('9007199254740991');
  });

  it('refuses a page without its markers', () => {
    expect(() => updateDoc('# Tools\n', tools)).toThrow(/markers/);
  });
});

describe("the README's tools table", () => {
  it('lists exactly the tools of the snapshot, in order, with their annotations and toolsets', () => {
    const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| `([a-z_]+)` \| .* \| ([a-z, -]+) \| ([a-z, ]+) \|$/gm)].map((m) => [
      m[1],
      m[2],
      m[3],
    ]);
    const toolsets = (name: string) =>
      [...Object.entries(TOOL_GROUPS), ...Object.entries(TOOL_PRESETS)]
        .filter(([, members]) => (members as readonly string[]).includes(name))
        .map(([set]) => set)
        .join(', ');
    const expected = tools.map((t) => {
      const a = t.annotations ?? {};
      const kind = [
        a.readOnlyHint ? 'read-only' : 'write',
        ...(a.destructiveHint ? ['destructive'] : []),
        ...(a.idempotentHint ? ['idempotent'] : []),
      ];
      return [t.name, kind.join(', '), toolsets(t.name)];
    });
    expect(rows).toEqual(expected);
  });
});
