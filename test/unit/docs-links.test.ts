import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Every relative link in the README, CONTRIBUTING.md and docs/ points at a file that exists,
 * and every `#anchor` (in the same page or another .md page) at a heading that exists, so a
 * moved section or a renamed heading cannot leave a dead link behind. Anchors follow
 * GitHub's rule: the heading's text, lowercased, punctuation dropped, spaces turned into
 * hyphens, `-1`, `-2` … for repeats. Headings and links inside code blocks do not count.
 */
const root = resolve(import.meta.dirname, '../..');
const docsDir = join(root, 'docs');
const pages = [
  join(root, 'README.md'),
  join(root, 'CONTRIBUTING.md'),
  ...readdirSync(docsDir)
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(docsDir, f)),
];

/** The page without fenced code blocks (``` or ~~~, any length) and without inline code. */
function prose(markdown: string): string[] {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const open = /^\s*(`{3,}|~{3,})/.exec(line);
    if (open) {
      if (fence === undefined) fence = open[1];
      else if (line.trim() === fence) fence = undefined;
      out.push('');
      continue;
    }
    out.push(fence === undefined ? line : '');
  }
  return out;
}

function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // links: their text
    .replace(/<[^>]+>/g, '') // inline HTML
    .replace(/[`*]/g, '');
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}

function anchors(file: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of prose(readFileSync(file, 'utf8'))) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const base = slug(heading[1]!);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      out.add(n === 0 ? base : `${base}-${n}`);
    }
    for (const m of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) out.add(m[1]!);
  }
  return out;
}

type Link = { page: string; line: number; target: string };

function links(file: string): Link[] {
  const out: Link[] = [];
  prose(readFileSync(file, 'utf8')).forEach((line, i) => {
    const text = line.replace(/`[^`]*`/g, '');
    for (const m of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      out.push({ page: file, line: i + 1, target: m[1]! });
    }
  });
  return out;
}

function problem(link: Link): string | undefined {
  const { target } = link;
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // https:, mailto: …
  const [path, anchor] = target.split('#', 2) as [string, string | undefined];
  const file = path === '' ? link.page : resolve(dirname(link.page), decodeURIComponent(path));
  if (!existsSync(file)) return `no such file: ${relative(root, file)}`;
  if (anchor === undefined || anchor === '') return undefined;
  if (statSync(file).isDirectory() || !file.endsWith('.md')) return `an anchor into a file that is not a Markdown page`;
  if (!anchors(file).has(decodeURIComponent(anchor))) return `no heading for #${anchor} in ${relative(root, file)}`;
  return undefined;
}

describe('documentation links', () => {
  it('slugs headings as GitHub does', () => {
    expect(slug('search_messages (and the `list_conversations` `query` filter)')).toBe(
      'search_messages-and-the-list_conversations-query-filter',
    );
    expect(slug('Results (2 cores, Node 20, `npm run bench`, 2026-11-22)')).toBe(
      'results-2-cores-node-20-npm-run-bench-2026-11-22',
    );
    expect(slug('Tool snapshot and docs/tools.md')).toBe('tool-snapshot-and-docstoolsmd');
    expect(slug('Stateless, and what that costs')).toBe('stateless-and-what-that-costs');
  });

  it('covers the README, CONTRIBUTING.md and every page in docs/', () => {
    expect(pages.map((p) => relative(root, p))).toEqual(
      expect.arrayContaining(['README.md', 'CONTRIBUTING.md', 'docs/tools.md']),
    );
  });

  it('every relative link and #anchor resolves', () => {
    const broken = pages
      .flatMap(links)
      .map((l) => ({ l, why: problem(l) }))
      .filter((x) => x.why !== undefined)
      .map(({ l, why }) => `${relative(root, l.page)}:${l.line}: (${l.target}) ${why}`);
    expect(broken).toEqual([]);
  });

  it('every page in docs/ is reachable from the README', () => {
    const reachable = new Set<string>();
    const queue = [join(root, 'README.md')];
    while (queue.length > 0) {
      const page = queue.pop()!;
      if (reachable.has(page)) continue;
      reachable.add(page);
      for (const { target } of links(page)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
        const path = target.split('#')[0]!;
        if (!path.endsWith('.md')) continue;
        const file = resolve(dirname(page), decodeURIComponent(path));
        if (existsSync(file)) queue.push(file);
      }
    }
    const unreachable = pages.filter((p) => !reachable.has(p)).map((p) => relative(root, p));
    expect(unreachable).toEqual([]);
  });
});
