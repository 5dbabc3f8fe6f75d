/**
 * The parameter reference in docs/tools.md, generated from the reviewed listTools() snapshot
 * (test/__snapshots__/tools.json), so the reference cannot drift from what the server sends.
 * Results are documented from test/__snapshots__/tool-results.json instead: the full output
 * schemas (descriptions, which fields are always present), which tools/list publishes only in
 * compact form (src/mcp/published-schema.ts).
 *
 *   npm run docs:tools              rewrite the block between the markers in docs/tools.md
 *   npm run docs:tools -- --check   exit 1 if docs/tools.md is stale (test/unit/tools-doc.test.ts does the same)
 *
 * Only the text between TOOLS_START and TOOLS_END is generated; the rest of the file is
 * written by hand. After a change to the tool surface: update the snapshot
 * (`npx vitest run test/tools/tools.test.ts --project sqlite -u`), then run this.
 *
 * Plain TypeScript with no imports from src/: it runs under jiti (`npx jiti scripts/tools-doc.ts`)
 * without a build.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TOOLS_START = '<!-- tools:start -->';
export const TOOLS_END = '<!-- tools:end -->';

/** Where each tool's hand-written walkthrough lives (a heading per tool, anchors checked by the test). */
const GUIDE: Record<string, string> = {
  export_conversation: 'formats.md#export_conversation',
  import_conversation: 'formats.md#import_conversation',
};
const guideFor = (name: string) => GUIDE[name] ?? `examples.md#${name}`;

type Schema = {
  type?: string | string[];
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  additionalProperties?: unknown;
  nullable?: boolean;
};

export type ToolSnapshot = {
  name: string;
  title?: string;
  description?: string;
  inputSchema: Schema;
  outputSchema?: Schema;
  annotations?: {
    readOnlyHint?: boolean;
    destructiveHint?: boolean;
    idempotentHint?: boolean;
    openWorldHint?: boolean;
  };
  execution?: { taskSupport?: string };
};

/** zod's z.number().int() bounds: the safe-integer range says nothing to a reader. */
const SAFE = 9007199254740991;

/** Table-cell safe: no line breaks, no column separators, no accidental emphasis or HTML. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').replace(/\*/g, '\\*').replace(/</g, '&lt;');
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function range(min: number | undefined, max: number | undefined, unit: string): string {
  if (min !== undefined && max !== undefined) return min === max ? plural(min, unit) : `${min}–${max} ${unit}s`;
  if (max !== undefined) return `at most ${plural(max, unit)}`;
  if (min !== undefined) return `at least ${plural(min, unit)}`;
  return '';
}

const isObject = (s: Schema) => s.type === 'object' || s.properties !== undefined;
/** A free-form JSON object (metadata): `additionalProperties: {}` and no declared properties. */
const isFreeObject = (s: Schema) => isObject(s) && s.properties === undefined;
const hasFields = (s: Schema) => isObject(s) && s.properties !== undefined && Object.keys(s.properties).length > 0;

/** A short type for the table: `string, 1–200 characters`, `integer 1–500`, `"a" | "b"`, `array (1–100 items) of object`. */
function typeOf(s: Schema): string {
  // The published input schemas say "or null" the OpenAPI way (src/mcp/published-schema.ts).
  if (s.nullable === true) return `${typeOf({ ...s, nullable: false })} or null`;
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
  if (s.enum) return s.enum.map((v) => `\`${JSON.stringify(v)}\``).join(' | ');
  if (s.anyOf) return s.anyOf.map(typeOf).join(' or ');
  if (Array.isArray(s.type)) return s.type.map((t) => typeOf({ ...s, type: t })).join(' or ');
  switch (s.type) {
    case 'string': {
      const len = range(s.minLength, s.maxLength, 'character');
      return len ? `string, ${len}` : 'string';
    }
    case 'integer':
    case 'number': {
      const min = s.minimum === -SAFE ? undefined : s.minimum;
      const max = s.maximum === SAFE ? undefined : s.maximum;
      if (min !== undefined && max !== undefined) return `${s.type} ${min}–${max}`;
      if (min !== undefined) return `${s.type} ≥ ${min}`;
      if (max !== undefined) return `${s.type} ≤ ${max}`;
      return s.type;
    }
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array': {
      const count = range(s.minItems, s.maxItems, 'item');
      const of = s.items ? typeOf(s.items) : 'any';
      return `array${count ? ` (${count})` : ''} of ${of}`;
    }
    case 'object':
      return isFreeObject(s) ? 'JSON object' : 'object';
    default:
      return isObject(s) ? (isFreeObject(s) ? 'JSON object' : 'object') : 'any JSON';
  }
}

type Row = { path: string; type: string; required: boolean; description: string };

/** The object shapes a schema holds (itself, its array items, its anyOf branches), for flattening. */
function shapes(s: Schema): { schema: Schema; suffix: string }[] {
  if (hasFields(s)) return [{ schema: s, suffix: '' }];
  if (s.type === 'array' && s.items) return shapes(s.items).map((x) => ({ ...x, suffix: `[]${x.suffix}` }));
  if (s.anyOf) return s.anyOf.flatMap(shapes);
  return [];
}

/** One row per field, nested fields as `messages[].tool_calls[].function.name`. */
function rows(schema: Schema, prefix = ''): Row[] {
  const out: Row[] = [];
  const required = new Set(schema.required ?? []);
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    const path = `${prefix}${name}`;
    const nested = shapes(field);
    const variants = nested.length > 1;
    out.push({
      path,
      type: variants
        ? `${field.type === 'array' ? 'array of objects' : 'object'}, one of ${nested.length} shapes (below)`
        : typeOf(field),
      required: required.has(name),
      description: field.description ?? '',
    });
    nested.forEach(({ schema: inner, suffix }, i) => {
      const childPrefix = `${path}${suffix}.`;
      if (variants) {
        out.push({
          path: `${path}${suffix}`,
          type: `shape ${i + 1} of ${nested.length}: object`,
          required: true,
          description: inner.description ?? '',
        });
      } else if (suffix && inner.description) {
        // An array item's own description (e.g. "A tool call in the OpenAI chat shape.").
        out.push({ path: `${path}${suffix}`, type: 'object', required: true, description: inner.description });
      }
      out.push(...rows(inner, childPrefix));
    });
  }
  return out;
}

function table(list: Row[], requiredHeader: string, requiredMark: string, optionalMark: string): string[] {
  if (list.length === 0) return ['None.'];
  return [
    `| Field | Type | ${requiredHeader} | Description |`,
    '| --- | --- | --- | --- |',
    ...list.map(
      (r) =>
        `| \`${r.path}\` | ${cell(r.type)} | ${r.required ? requiredMark : optionalMark} | ${cell(r.description)} |`,
    ),
  ];
}

function kind(a: ToolSnapshot['annotations'] = {}): string {
  const parts = [a.readOnlyHint ? 'read-only' : 'write'];
  if (a.destructiveHint) parts.push('destructive');
  if (a.idempotentHint) parts.push('idempotent');
  return parts.join(', ');
}

function hints(t: ToolSnapshot): string {
  const a = t.annotations ?? {};
  const list = (['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const).map(
    (h) => `\`${h}: ${String(a[h])}\``,
  );
  if (t.execution?.taskSupport) list.push(`\`execution.taskSupport: ${t.execution.taskSupport}\``);
  return list.join(' · ');
}

/** The generated block, markers included. */
export function renderTools(tools: ToolSnapshot[]): string {
  const lines: string[] = [
    TOOLS_START,
    '<!-- Generated by `npm run docs:tools` from test/__snapshots__/tools.json and tool-results.json; do not edit by hand. -->',
    '',
    '| Tool | Title | Kind |',
    '| --- | --- | --- |',
    ...tools.map((t) => `| [\`${t.name}\`](#${t.name}) | ${cell(t.title ?? '')} | ${kind(t.annotations)} |`),
  ];
  for (const t of tools) {
    lines.push(
      '',
      `### ${t.name}`,
      '',
      `**${t.title ?? t.name}** — ${kind(t.annotations)}. Annotations: ${hints(t)}.`,
      '',
      'Description, as the model reads it:',
      '',
      ...(t.description ?? '').split('\n').map((l) => `> ${l}`.trimEnd()),
      '',
      `Walkthrough with real results: [${guideFor(t.name).replace(/#.*/, '')}](${guideFor(t.name)}).`,
      '',
      '**Arguments**',
      '',
      ...table(rows(t.inputSchema), 'Required', 'yes', 'no'),
      '',
      '**Result** (`structuredContent`)',
      '',
      ...(t.outputSchema ? table(rows(t.outputSchema), 'Present', 'always', 'when set') : ['No output schema.']),
    );
  }
  lines.push(TOOLS_END);
  return lines.join('\n');
}

/** `doc` with its generated block replaced; throws when the markers are missing or out of order. */
export function updateDoc(doc: string, tools: ToolSnapshot[]): string {
  const start = doc.indexOf(TOOLS_START);
  const end = doc.indexOf(TOOLS_END);
  if (start < 0 || end < start) throw new Error(`docs/tools.md needs the markers ${TOOLS_START} … ${TOOLS_END}`);
  return doc.slice(0, start) + renderTools(tools) + doc.slice(end + TOOLS_END.length);
}

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SNAPSHOT = resolve(root, 'test/__snapshots__/tools.json');
export const RESULTS_SNAPSHOT = resolve(root, 'test/__snapshots__/tool-results.json');
export const TOOLS_DOC = resolve(root, 'docs/tools.md');

/** The listed tools, each with its full output schema from the results snapshot. */
export function readSnapshot(path = SNAPSHOT, resultsPath = RESULTS_SNAPSHOT): ToolSnapshot[] {
  const tools = JSON.parse(readFileSync(path, 'utf8')) as ToolSnapshot[];
  const results = JSON.parse(readFileSync(resultsPath, 'utf8')) as { name: string; outputSchema: Schema }[];
  const full = new Map(results.map((r) => [r.name, r.outputSchema]));
  return tools.map((t) => ({ ...t, ...(full.has(t.name) && { outputSchema: full.get(t.name) }) }));
}

function main(argv: string[]): number {
  const current = readFileSync(TOOLS_DOC, 'utf8');
  const next = updateDoc(current, readSnapshot());
  if (argv.includes('--check')) {
    if (next === current) return 0;
    process.stderr.write('docs/tools.md is stale: run `npm run docs:tools`\n');
    return 1;
  }
  if (next !== current) writeFileSync(TOOLS_DOC, next);
  process.stderr.write(next === current ? 'docs/tools.md is up to date\n' : 'docs/tools.md updated\n');
  return 0;
}

const invoked = process.argv[1] ? resolve(process.argv[1]) : '';
if (invoked === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
