import { copyFileSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cliExport,
  HOSTILE,
  type PageWatch,
  screenshot,
  startView,
  startViewerFixture,
  type ViewerFixture,
  watch,
} from './support.js';

/**
 * The web viewer in a real Chromium (playwright-core driving Debian's /usr/bin/chromium): the
 * built `serve --http` at / with bearer tokens, and `chat-history-mcp view` with its one-time
 * URL. Alice's conversations are stored through a real MCP client over HTTP (support.ts):
 * tool rounds, a long message, a summary, a fork, and content written to attack a viewer.
 *
 *   npm run test:browser                     builds, then runs this file
 *   test-output/viewer/*.png                 a screenshot of every page visited: look at them
 *   CHAT_HISTORY_DOCS_SCREENSHOT=1 npm run test:browser -- -t 'README screenshot'
 *                                            rewrites docs/viewer-transcript.png
 *
 * Nothing here measures time: the timeouts (vitest.browser.config.ts) are ceilings for a slow
 * machine, and every wait is for a state of the page, never a fixed sleep.
 */

// The page.evaluate callbacks run in the browser. tsconfig.json has no DOM library (src/ is
// Node), so the few browser globals they use are declared here, for this file only.
declare const window: any;
declare const document: any;
declare const location: any;
declare const sessionStorage: any;

let f: ViewerFixture;

beforeAll(async () => {
  f = await startViewerFixture();
});
afterAll(async () => {
  await f?.close();
});

async function newPage(options: { width?: number; height?: number } = {}): Promise<{ page: Page; seen: PageWatch }> {
  const context = await f.newContext({ viewport: { width: options.width ?? 1200, height: options.height ?? 800 } });
  const page = await context.newPage();
  return { page, seen: watch(page) };
}

/** The sign-in form at /, filled and submitted with Enter; resolves on the conversation list. */
async function signIn(page: Page, token: string, owner?: string): Promise<void> {
  await page.goto(`${f.origin}/`);
  await page.locator('#signin').waitFor();
  await page.locator('#token').fill(token);
  if (owner !== undefined) await page.locator('#owner').fill(owner);
  await page.locator('#token').press('Enter');
  await page.locator('#conversations').waitFor({ state: 'attached' });
  await waitForStatus(page, /conversations? shown|No conversations/);
}

/** The app announces the end of every load in #status (role=status). */
async function waitForStatus(page: Page, text: RegExp): Promise<void> {
  await expect.poll(() => page.locator('#status').textContent(), { timeout: 30_000 }).toMatch(text);
}

async function openConversation(page: Page, id: string, hash = ''): Promise<void> {
  await page.goto(`${f.origin}/c/${id}${hash}`);
  await waitForStatus(page, /messages? loaded|has no messages|not found|not in this conversation/i);
}

const listedIds = (page: Page) =>
  page.locator('#conversations [data-id]').evaluateAll((els) => els.map((el) => el.getAttribute('data-id')));

const hits = (page: Page) =>
  page
    .locator('#results [data-conversation-id]')
    .evaluateAll((els) => els.map((el) => `${el.getAttribute('data-conversation-id')}#${el.getAttribute('data-seq')}`));

/** Where an element is relative to the viewport (CSS pixels). */
const box = (locator: Locator) =>
  locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, height: r.height, viewport: window.innerHeight, scrollY: window.scrollY };
  });

/** The element starts in the upper part of the viewport: scrolled to, not merely somewhere on the page. */
async function expectScrolledTo(locator: Locator): Promise<void> {
  await expect
    .poll(async () => {
      const b = await box(locator);
      return b.top >= -2 && b.top < b.viewport / 3;
    })
    .toBe(true);
}

describe('signing in and the conversation list', () => {
  it('signs in with a token, lists every conversation of the owner, filters by title and key', async () => {
    const { page, seen } = await newPage();
    await page.goto(`${f.origin}/`);
    await page.locator('#signin').waitFor();
    await screenshot(page, 'signin');

    await signIn(page, f.tokens.alice);
    const s = f.seeded;
    expect((await listedIds(page)).sort()).toEqual(
      [s.kickoff.id, s.tools.id, s.fork.id, s.groceries.id, s.hostile.id].sort(),
    );
    await expect.poll(() => page.locator('#whoami').textContent()).toBe('Signed in as alice');
    // The fork is marked in the list; the other conversations are not.
    expect(await page.locator(`[data-id="${s.fork.id}"] .badge.forked`).count()).toBe(1);
    expect(await page.locator('#conversations .badge.forked').count()).toBe(1);
    // The title and the count as stored.
    await expect
      .poll(() => page.locator(`[data-id="${s.tools.id}"]`).textContent())
      .toMatch(/Weather for the Paris trip.*weather-trip.*8 messages/s);
    await screenshot(page, 'list');

    await page.locator('#filter').fill('Grocery');
    await expect.poll(() => listedIds(page)).toEqual([s.groceries.id]);
    expect(page.url()).toBe(`${f.origin}/?query=Grocery`);
    await screenshot(page, 'list-filtered');

    await page.locator('#filter').fill('Paris');
    await expect.poll(async () => (await listedIds(page)).sort()).toEqual([s.tools.id, s.fork.id].sort());
    await page.locator('#filter').fill('kickoff'); // a key
    await expect.poll(() => listedIds(page)).toEqual([s.kickoff.id]);
    await page.locator('#filter').fill('no such title anywhere');
    await expect.poll(() => listedIds(page)).toEqual([]);
    await expect.poll(() => page.locator('#empty').isVisible()).toBe(true);

    // A reload keeps the session (sessionStorage) and the filter (the URL).
    await page.locator('#filter').fill('Grocery');
    await expect.poll(() => listedIds(page)).toEqual([s.groceries.id]);
    await page.reload();
    await expect.poll(() => listedIds(page)).toEqual([s.groceries.id]);
    expect(await page.locator('#filter').inputValue()).toBe('Grocery');

    // Following a title opens the conversation without a new sign-in.
    await page.locator(`[data-id="${s.groceries.id}"] a.title`).click();
    await page.waitForURL(`${f.origin}/c/${s.groceries.id}`);
    await expect.poll(() => page.locator('article.message').count()).toBe(2);
    expect(seen.pageErrors).toEqual([]);
  });

  it('refuses a wrong token and stays on the sign-in form', async () => {
    const { page } = await newPage();
    await page.goto(`${f.origin}/`);
    await page.locator('#token').fill('chm_not_a_real_token_at_all_0000000000000000000');
    await page.locator('#token').press('Enter');
    await expect.poll(() => page.locator('#status').getAttribute('class')).toBe('error');
    expect(await page.locator('#signin').isVisible()).toBe(true);
    expect(await page.locator('#conversations').count()).toBe(0);
    expect(await page.evaluate(() => sessionStorage.getItem('chm.token'))).toBeNull();
    await screenshot(page, 'signin-refused');
  });
});

describe('a transcript', () => {
  it('shows messages in seq order, tool calls with pretty arguments linked to their results, the summary', async () => {
    const { page, seen } = await newPage();
    await signIn(page, f.tokens.alice);
    const s = f.seeded;
    await openConversation(page, s.tools.id);

    const messages = page.locator('article.message[data-seq][data-role]');
    expect(
      await messages.evaluateAll((els) =>
        els.map((el) => `${el.getAttribute('data-seq')}:${el.getAttribute('data-role')}`),
      ),
    ).toEqual(['1:system', '2:user', '3:assistant', '4:tool', '5:tool', '6:assistant', '7:user', '8:assistant']);
    expect(await page.locator('h1').textContent()).toBe(s.tools.title);

    // Each call: its function name, its arguments pretty-printed, a link to the message answering it.
    for (const call of s.calls) {
      const el = page.locator(`article[data-seq="${s.toolCallSeq}"] .tool-call[data-call-id="${call.id}"]`);
      expect(await el.locator('.function').textContent()).toBe(call.name);
      expect(await el.locator('.arguments').textContent()).toBe(JSON.stringify(JSON.parse(call.arguments), null, 2));
      expect(await el.locator('a.result-link').getAttribute('href')).toBe(`#seq-${call.resultSeq}`);
      const result = page.locator(`article[data-seq="${call.resultSeq}"]`);
      expect(await result.getAttribute('data-tool-call-id')).toBe(call.id);
      expect(await result.locator('a.call-link').getAttribute('href')).toBe(`#seq-${s.toolCallSeq}`);
      expect(await result.locator('a.call-link').textContent()).toContain(call.name);
    }
    expect(await page.locator('.tool-call').count()).toBe(2);
    // An assistant message with only tool calls shows no empty content block.
    expect(await page.locator(`article[data-seq="${s.toolCallSeq}"] .content`).count()).toBe(0);

    // The summary, and the messages it covers marked as such.
    const summary = page.locator('#summary');
    expect(await summary.locator('h2').textContent()).toBe(`Summary of messages 1–${s.summaryThroughSeq}`);
    expect(await summary.textContent()).toContain('the assistant called two tools and answered');
    expect(await page.locator('article.message.summarized').count()).toBe(s.summaryThroughSeq);
    expect(await page.locator(`article[data-seq="${s.summaryThroughSeq + 1}"].summarized`).count()).toBe(0);
    // The original is not a fork.
    expect(await page.locator('.forked-from').count()).toBe(0);

    // The long message is collapsed (clipped, still whole in the DOM) until "Show all".
    const long = page.locator(`article[data-seq="${s.longSeq}"]`);
    const content = long.locator('.content');
    expect(await content.getAttribute('class')).toContain('collapsed');
    expect(await content.textContent()).toHaveLength(s.longLength);
    const clipped = await content.evaluate((el) => ({ client: el.clientHeight, scroll: el.scrollHeight }));
    expect(clipped.client).toBeLessThan(clipped.scroll / 3);
    await screenshot(page, 'transcript');

    const toggle = long.locator('button.show-all');
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await toggle.textContent()).toMatch(/^Show all \([\d,]+ characters, \d+ lines\)$/);
    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    const open = await content.evaluate((el) => ({ client: el.clientHeight, scroll: el.scrollHeight }));
    expect(open.client).toBe(open.scroll);
    await long.getByText('THE-END-OF-THE-LONG-MESSAGE').scrollIntoViewIfNeeded();
    await screenshot(page, 'transcript-long-open', { fullPage: false });

    // A call's "→ result" link scrolls to and highlights the result.
    await page.locator(`.tool-call[data-call-id="${s.calls[1]!.id}"] a.result-link`).click();
    await page.waitForURL(`${f.origin}/c/${s.tools.id}#seq-${s.calls[1]!.resultSeq}`);
    const result = page.locator(`article[data-seq="${s.calls[1]!.resultSeq}"]`);
    await expect.poll(() => result.getAttribute('class')).toContain('target');
    await expectScrolledTo(result);
    expect(await page.locator('article.message.target').count()).toBe(1);
    expect(seen.pageErrors).toEqual([]);
  });

  it('marks a fork: a link to the parent at the seq it was copied through, and the copied messages', async () => {
    const { page } = await newPage();
    await signIn(page, f.tokens.alice);
    const s = f.seeded;
    await openConversation(page, s.fork.id);
    expect(await page.locator('article.message').count()).toBe(s.forkThroughSeq);
    const marker = page.locator('.forked-from');
    const parent = marker.locator('a');
    expect(await parent.getAttribute('href')).toBe(`/c/${s.tools.id}#seq-${s.forkThroughSeq}`);
    // The link names the parent once its title has loaded.
    await expect.poll(() => parent.textContent()).toBe(s.tools.title);
    expect(await marker.textContent()).toContain(`at seq ${s.forkThroughSeq}`);
    expect(await page.locator('article.message.copied').count()).toBe(s.forkThroughSeq);
    // The copied tool calls still link to their (copied) results.
    expect(await page.locator(`.tool-call[data-call-id="${s.calls[0]!.id}"] a.result-link`).getAttribute('href')).toBe(
      `#seq-${s.calls[0]!.resultSeq}`,
    );
    await screenshot(page, 'fork');

    await parent.click();
    await page.waitForURL(`${f.origin}/c/${s.tools.id}#seq-${s.forkThroughSeq}`);
    const target = page.locator(`article[data-seq="${s.forkThroughSeq}"]`);
    await expect.poll(() => target.getAttribute('class')).toContain('target');
    await expectScrolledTo(target);
  });

  it('a #seq-N link loaded directly scrolls to that message and highlights it', async () => {
    // A short viewport: message 3 starts below the fold unless the page scrolls to it.
    const { page } = await newPage({ height: 500 });
    await signIn(page, f.tokens.alice);
    const s = f.seeded;
    await openConversation(page, s.tools.id, '#seq-3');
    const target = page.locator('article[data-seq="3"]');
    await expect.poll(() => target.getAttribute('class')).toContain('target');
    expect(await page.locator('article.message.target').count()).toBe(1);
    await expectScrolledTo(target);
    expect((await box(target)).scrollY).toBeGreaterThan(0);
    await screenshot(page, 'anchor-seq-3', { fullPage: false });

    // A seq the conversation does not have is said so, not silently ignored.
    await openConversation(page, s.kickoff.id, '#seq-99');
    await expect.poll(() => page.locator('#status').textContent()).toMatch(/Message 99 is not in this conversation/);
  });
});

describe('more than one page', () => {
  it('the list shows 50 conversations and "Load more" the rest, focus on the first new one', async () => {
    const { page } = await newPage();
    await signIn(page, f.tokens.carol);
    expect(await listedIds(page)).toHaveLength(50);
    const more = page.locator('#load-more');
    expect(await more.isVisible()).toBe(true);
    await more.click();
    await expect.poll(async () => (await listedIds(page)).length).toBe(f.volume.conversations);
    expect(new Set(await listedIds(page)).size).toBe(f.volume.conversations);
    expect(await more.isVisible()).toBe(false);
    const firstNew = await page.locator('#conversations [data-id]').nth(50).getAttribute('data-id');
    expect(await page.evaluate(() => document.activeElement?.closest('[data-id]')?.getAttribute('data-id'))).toBe(
      firstNew,
    );
  });

  it('a transcript longer than one request loads whole, in order, and #seq-N deep in it is scrolled to', async () => {
    const { page } = await newPage();
    await signIn(page, f.tokens.carol);
    const deep = f.volume.bigCount - 30;
    await openConversation(page, f.volume.bigId, `#seq-${deep}`);
    await expect.poll(() => page.locator('#status').textContent()).toBe(`${f.volume.bigCount} messages loaded.`);
    const seqs = await page
      .locator('article.message')
      .evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-seq'))));
    expect(seqs).toEqual(Array.from({ length: f.volume.bigCount }, (_, i) => i + 1));
    expect(await page.locator(`article[data-seq="${deep}"] .content`).textContent()).toBe(`Line ${deep}.`);
    const target = page.locator(`article[data-seq="${deep}"]`);
    expect(await target.getAttribute('class')).toContain('target');
    await expectScrolledTo(target);
    expect(await page.locator('#progress').isVisible()).toBe(false);
    await screenshot(page, 'long-transcript-deep-anchor', { fullPage: false });
  });
});

describe('search', () => {
  it('finds messages with the match in <mark>, filters by role, and a hit opens the message in view', async () => {
    const { page, seen } = await newPage({ height: 600 });
    await signIn(page, f.tokens.alice);
    const s = f.seeded;
    await page.locator('#nav-search').click();
    await page.waitForURL(`${f.origin}/search`);
    await page.locator('#q').fill(s.searchWord);
    await page.locator('#q').press('Enter');
    await expect
      .poll(async () => (await hits(page)).sort())
      .toEqual([`${s.groceries.id}#2`, `${s.kickoff.id}#2`].sort());
    expect(page.url()).toBe(`${f.origin}/search?q=${s.searchWord}`);
    for (const snippet of await page.locator('#results .snippet').all()) {
      const marks = await snippet.locator('mark').allTextContents();
      expect(marks.length).toBeGreaterThan(0);
      for (const mark of marks) expect(mark.toLowerCase()).toBe(s.searchWord);
    }
    await screenshot(page, 'search');

    await page.locator('#role-assistant').check();
    await page.locator('#q').press('Enter');
    await expect.poll(() => hits(page)).toEqual([`${s.groceries.id}#2`]);
    expect(page.url()).toBe(`${f.origin}/search?q=${s.searchWord}&roles=assistant`);
    await page.locator('#role-assistant').uncheck();
    await page.locator('#role-user').check();
    await page.locator('#q').press('Enter');
    await expect.poll(() => hits(page)).toEqual([`${s.kickoff.id}#2`]);
    await page.locator('#role-user').uncheck();
    await page.locator('#role-tool').check();
    await page.locator('#q').press('Enter');
    await expect.poll(() => page.locator('#no-results').isVisible()).toBe(true);
    expect(await hits(page)).toEqual([]);
    await page.locator('#role-tool').uncheck();

    // "Monday" is in message 6 of the trip and of its fork; follow the original's hit.
    await page.locator('#q').fill('Monday');
    await page.locator('#q').press('Enter');
    await expect.poll(async () => (await hits(page)).sort()).toEqual([`${s.tools.id}#6`, `${s.fork.id}#6`].sort());
    await page.locator(`#results [data-conversation-id="${s.tools.id}"][data-seq="6"] a`).first().click();
    await page.waitForURL(`${f.origin}/c/${s.tools.id}#seq-6`);
    const target = page.locator('article[data-seq="6"]');
    await expect.poll(() => target.getAttribute('class')).toContain('target');
    await expectScrolledTo(target);
    expect((await box(target)).scrollY).toBeGreaterThan(0);
    await screenshot(page, 'search-followed', { fullPage: false });

    // Back returns to the results, as they were.
    await page.goBack();
    await page.waitForURL(`${f.origin}/search?q=Monday`);
    await expect.poll(async () => (await hits(page)).length).toBe(2);
    expect(seen.pageErrors).toEqual([]);
  });
});

describe('export', () => {
  for (const format of ['markdown', 'json'] as const) {
    it(`the ${format} button downloads what \`chat-history-mcp export --format ${format}\` writes`, async () => {
      const { page } = await newPage();
      await signIn(page, f.tokens.alice);
      const s = f.seeded;
      await openConversation(page, s.tools.id);
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.locator(`button[data-format="${format}"]`).click(),
      ]);
      expect(download.suggestedFilename()).toBe(`${s.tools.id}.${format === 'markdown' ? 'md' : 'json'}`);
      const downloaded = readFileSync(await download.path(), 'utf8');
      const cli = cliExport(f.target, 'alice', s.tools.id, format);
      if (format === 'json') expect(JSON.parse(downloaded)).toEqual(JSON.parse(cli));
      else expect(downloaded).toBe(cli);
      // And it is the conversation: every message's text is in it.
      expect(downloaded).toContain('THE-END-OF-THE-LONG-MESSAGE');
      expect(downloaded).toContain('get_local_time');
      await expect.poll(() => page.locator('#status').textContent()).toBe(`Exported ${download.suggestedFilename()}.`);
    });
  }
});

describe('isolation between owners', () => {
  it("bob's token sees none of alice's conversations: empty list, no search hits, not found by id", async () => {
    const { page } = await newPage();
    await signIn(page, f.tokens.bob);
    const s = f.seeded;
    expect(await listedIds(page)).toEqual([]);
    await expect.poll(() => page.locator('#empty').textContent()).toBe('No conversations yet.');
    await expect.poll(() => page.locator('#whoami').textContent()).toBe('Signed in as bob');
    await screenshot(page, 'bob-list');

    await page.goto(`${f.origin}/search?q=${s.searchWord}`);
    await expect.poll(() => page.locator('#no-results').isVisible()).toBe(true);
    expect(await hits(page)).toEqual([]);

    for (const id of [s.tools.id, s.hostile.id]) {
      await openConversation(page, id);
      expect(await page.locator('h1').textContent()).toBe('Conversation not found');
      expect(await page.locator('article.message').count()).toBe(0);
      expect(await page.content()).not.toContain('Paris');
    }
    await screenshot(page, 'bob-not-found');

    // Bob cannot borrow alice's name: the owner field is for service tokens only.
    const other = await newPage();
    await other.page.goto(`${f.origin}/`);
    await other.page.locator('#token').fill(f.tokens.bob);
    await other.page.locator('#owner').fill('alice');
    await other.page.locator('#token').press('Enter');
    await expect.poll(() => other.page.locator('#status').getAttribute('class')).toBe('error');
    expect(await other.page.locator('#conversations').count()).toBe(0);
    expect(await other.page.locator('#signin').isVisible()).toBe(true);
  });

  it('a service token with owner "alice" reads alice\'s conversations', async () => {
    const { page } = await newPage();
    await signIn(page, f.tokens.service, 'alice');
    const s = f.seeded;
    expect((await listedIds(page)).sort()).toEqual(
      [s.kickoff.id, s.tools.id, s.fork.id, s.groceries.id, s.hostile.id].sort(),
    );
    await expect.poll(() => page.locator('#whoami').textContent()).toBe('Signed in as alice (service token)');
    await openConversation(page, s.kickoff.id);
    expect(await page.locator('article.message').count()).toBe(s.kickoff.messageCount);
  });
});

describe('hostile content', () => {
  it('renders as text: no script runs, no javascript: link, no beacon request, no CSP violation', async () => {
    const { page, seen } = await newPage();
    await signIn(page, f.tokens.alice);
    const s = f.seeded;

    // The title in the list: text, not a <b>.
    const item = page.locator(`[data-id="${s.hostile.id}"]`);
    expect(await item.locator('a.title').textContent()).toBe(HOSTILE.title);
    expect(await page.locator('#conversations b').count()).toBe(0);

    await openConversation(page, s.hostile.id);
    expect(await page.locator('h1').textContent()).toBe(HOSTILE.title);
    expect(await page.locator('main b').count()).toBe(0);
    expect(await page.evaluate(() => document.title)).toBe(`${HOSTILE.title} — Chat history`);

    const content = (seq: number) => page.locator(`article[data-seq="${seq}"] .content`).textContent();
    expect(await content(1)).toBe(HOSTILE.script);
    expect(await content(2)).toBe(HOSTILE.jsLink);
    expect(await content(3)).toBe(HOSTILE.beacon);
    expect(await page.locator('.tool-call[data-call-id="call_hostile"] .arguments').textContent()).toBe(
      JSON.stringify(JSON.parse(HOSTILE.toolArguments), null, 2),
    );
    expect(await content(5)).toBe('</pre><script>window.__pwned=5</script>');
    // The <script> is visible to the reader, as text.
    expect(
      await page.locator('article[data-seq="1"]').getByText('<script>window.__pwned = 1</script>').isVisible(),
    ).toBe(true);

    // Nothing became markup: no element from content, no link or image out of it.
    expect(await page.locator('main script, main img, main iframe').count()).toBe(0);
    expect(
      await page.evaluate(() =>
        [...document.querySelectorAll('a[href]')]
          .map((a) => a.getAttribute('href') ?? '')
          .filter((href) => !/^(\/|#)/.test(href)),
      ),
    ).toEqual([]);
    expect(await page.locator('a[href^="javascript:" i]').count()).toBe(0);

    // Search snippets too: the hit shows the markup as text around its <mark>.
    await page.goto(`${f.origin}/search?q=pwned`);
    await expect.poll(async () => (await hits(page)).length).toBeGreaterThan(0);
    expect(await page.locator('#results script, #results img, #results b').count()).toBe(0);
    expect(
      await page.locator('#results .snippet *').evaluateAll((els) => [...new Set(els.map((el) => el.tagName))]),
    ).toEqual(['MARK']);
    await screenshot(page, 'hostile-search');

    // Back on the transcript for a screenshot, then the verdict over all of it.
    await openConversation(page, s.hostile.id);
    await page.locator('article[data-seq="5"]').waitFor();
    await screenshot(page, 'hostile');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(seen.requests.filter((url) => url.includes('127.0.0.1:9/') || url.startsWith('javascript:'))).toEqual([]);
    expect(seen.requests.filter((url) => !url.startsWith(f.origin))).toEqual([]);
    expect(seen.consoleErrors.filter((text) => /Content Security Policy|Refused to/i.test(text))).toEqual([]);
    expect(seen.pageErrors).toEqual([]);
  });
});

describe('chat-history-mcp view', () => {
  it('the printed URL signs in once without a token; the secret leaves the address bar', async () => {
    const view = await startView(f.target, ['--owner', 'alice']);
    try {
      const url = new URL(view.url);
      expect(url.hostname).toBe('127.0.0.1');
      expect(url.hash).toMatch(/^#secret=[A-Za-z0-9_-]{20,}$/);

      const { page, seen } = await newPage();
      await page.goto(view.url);
      await page.locator('#conversations').waitFor({ state: 'attached' });
      await expect.poll(async () => (await listedIds(page)).length).toBe(5);
      expect(await listedIds(page)).toContain(f.seeded.tools.id);
      expect(page.url()).toBe(`${url.origin}/`);
      expect(await page.evaluate(() => location.hash)).toBe('');
      await expect.poll(() => page.locator('#whoami').textContent()).toMatch(/^Signed in as alice\b/);
      // No request line carried the secret (it lives in the fragment, then in nothing).
      const secret = url.hash.slice('#secret='.length);
      expect(seen.requests.filter((r) => r.includes(secret))).toEqual([]);
      await screenshot(page, 'view-signed-in');

      // The session survives a reload and works for the other pages.
      await page.reload();
      await expect.poll(async () => (await listedIds(page)).length).toBe(5);
      await page.goto(`${url.origin}/c/${f.seeded.kickoff.id}`);
      await expect.poll(() => page.locator('article.message').count()).toBe(f.seeded.kickoff.messageCount);

      // The same URL again, in a fresh browser context: spent.
      const again = await newPage();
      await again.page.goto(view.url);
      await again.page.locator('#signin').waitFor();
      await expect.poll(() => again.page.locator('#status').textContent()).toMatch(/This sign-in link did not work/);
      expect(await again.page.locator('#conversations').count()).toBe(0);
      expect(again.page.url()).toBe(`${url.origin}/`);
      await screenshot(again.page, 'view-link-spent');

      // And the page without any secret asks for a sign-in; the API refuses.
      const bare = await newPage();
      await bare.page.goto(`${url.origin}/`);
      await bare.page.locator('#signin').waitFor();
      const api = await fetch(`${url.origin}/api/conversations`);
      expect(api.status).toBe(401);
    } finally {
      const exit = await view.stop();
      expect(exit.code ?? exit.signal, view.stderr()).toBe(0);
    }
  });
});

describe('phone width and keyboard', () => {
  it('at 390×844 the list and the transcript fit the width (no sideways scrolling)', async () => {
    const { page } = await newPage({ width: 390, height: 844 });
    await signIn(page, f.tokens.alice);
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await screenshot(page, 'phone-list', { fullPage: false });

    for (const id of [f.seeded.tools.id, f.seeded.hostile.id]) {
      await openConversation(page, id);
      expect(await overflow()).toBeLessThanOrEqual(0);
    }
    await openConversation(page, f.seeded.tools.id);
    await screenshot(page, 'phone-transcript', { fullPage: false });
    await page.locator(`.tool-call[data-call-id="${f.seeded.calls[0]!.id}"]`).scrollIntoViewIfNeeded();
    await screenshot(page, 'phone-tool-calls', { fullPage: false });
  });

  it('Tab reaches the nav links and the sign-in inputs; Enter follows a focused link', async () => {
    const { page } = await newPage();
    await page.goto(`${f.origin}/`);
    await page.locator('#signin').waitFor();
    // The form takes the focus at once: the token can be pasted without a click.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('token');

    const tabOrder = async (presses: number) => {
      const ids: string[] = [];
      for (let i = 0; i < presses; i++) {
        await page.keyboard.press('Tab');
        ids.push(await page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName || ''));
      }
      return ids;
    };
    // From the top of the page: skip link, the nav links, then the form's inputs in order.
    await page.evaluate(() => document.activeElement?.blur());
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.mouse.click(1, 1);
    const order = await tabOrder(8);
    const at = (id: string) => order.indexOf(id);
    for (const id of ['nav-conversations', 'nav-search', 'token', 'owner', 'signin-submit']) {
      expect(order, `Tab order: ${order.join(' → ')}`).toContain(id);
    }
    expect(at('nav-conversations')).toBeLessThan(at('nav-search'));
    expect(at('nav-search')).toBeLessThan(at('token'));
    expect(at('token')).toBeLessThan(at('owner'));
    expect(at('owner')).toBeLessThan(at('signin-submit'));

    // The whole sign-in by keyboard.
    await page.locator('#token').focus();
    await page.keyboard.type(f.tokens.alice);
    await page.keyboard.press('Enter');
    await page.locator('#conversations [data-id]').first().waitFor();
    // A focused conversation link opens with Enter.
    await page.locator(`[data-id="${f.seeded.kickoff.id}"] a.title`).focus();
    await screenshot(page, 'keyboard-focus', { fullPage: false });
    await page.keyboard.press('Enter');
    await page.waitForURL(`${f.origin}/c/${f.seeded.kickoff.id}`);
    await expect.poll(() => page.locator('article.message').count()).toBe(f.seeded.kickoff.messageCount);
    // After a navigation the new page's heading has the focus (screen readers announce it).
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
  });
});

describe('README screenshot', () => {
  /**
   * docs/viewer-transcript.png: the trip conversation at 1200×800, from its title (facts,
   * summary, export, the first messages with the tool calls). Written to test-output/ on every run;
   * copied over the committed one with CHAT_HISTORY_DOCS_SCREENSHOT=1 (command at the top).
   */
  it('the transcript at 1200×800', async () => {
    const { page } = await newPage({ width: 1200, height: 800 });
    await signIn(page, f.tokens.alice);
    await openConversation(page, f.seeded.tools.id);
    // From the title down: facts, summary, export buttons, the first messages and the tool calls.
    await page.evaluate(() => window.scrollTo(0, document.querySelector('h1')!.getBoundingClientRect().top - 12));
    const path = await screenshot(page, 'readme-transcript', { fullPage: false });
    expect(statSync(path).size).toBeLessThan(150_000);
    if (process.env.CHAT_HISTORY_DOCS_SCREENSHOT === '1') {
      copyFileSync(path, fileURLToPath(new URL('../../docs/viewer-transcript.png', import.meta.url)));
    }
  });
});
