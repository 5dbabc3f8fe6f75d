import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import type { DatabaseTarget } from '../../src/db/index.js';
import { freshTarget } from '../support/backend.js';
import type { Connected } from '../support/harness.js';
import { connectHttp } from '../support/http.js';
import { CLI, type Exit, requireBuiltCli } from '../support/spawn.js';
import { databaseArgs, type RunningHttpCli, runCli, startHttpCli } from '../support/spawn-http.js';

/**
 * The browser tests' fixture: the BUILT CLI serving `serve --http --port 0` on a temporary
 * SQLite file, three tokens made with `token create`, alice's data stored through a real MCP
 * client over HTTP (the way an agent writes it), and one Chromium driven by playwright-core.
 */

/** Debian's `chromium` package (.ci/run installs it), or any Chromium named by the variable. */
export const CHROMIUM = process.env.CHAT_HISTORY_TEST_CHROMIUM?.trim() || '/usr/bin/chromium';

/** Where the screenshots go (git-ignored): look at them after a run. */
export const SCREENSHOTS = fileURLToPath(new URL('../../test-output/viewer/', import.meta.url));

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) or set CHAT_HISTORY_TEST_CHROMIUM`,
    );
  }
  // --no-sandbox: CI and these machines run as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: options.fullPage ?? true });
  return path;
}

/** What a page did that a test may want to deny: console errors, failed and attempted requests. */
export interface PageWatch {
  consoleErrors: string[];
  pageErrors: string[];
  requests: string[];
}

export function watch(page: Page): PageWatch {
  const seen: PageWatch = { consoleErrors: [], pageErrors: [], requests: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') seen.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => seen.pageErrors.push(String(error)));
  page.on('request', (request) => seen.requests.push(request.url()));
  return seen;
}

export interface SeededConversation {
  id: string;
  key: string;
  title: string;
  messageCount: number;
}

export interface Seeded {
  kickoff: SeededConversation;
  /** Tool rounds, a long message, a summary; the fork was made from it. */
  tools: SeededConversation;
  fork: SeededConversation;
  groceries: SeededConversation;
  hostile: SeededConversation;
  /** The seq of the long message in `tools`, and its length. */
  longSeq: number;
  longLength: number;
  /** `tools`: the assistant message with the calls, the two calls, and the results' seqs. */
  toolCallSeq: number;
  calls: { id: string; name: string; arguments: string; resultSeq: number }[];
  summaryThroughSeq: number;
  forkThroughSeq: number;
  /** A word stored in a user message of `kickoff` and in an assistant message of `groceries`. */
  searchWord: string;
}

export interface ViewerFixture {
  target: DatabaseTarget & { provider: 'sqlite' };
  server: RunningHttpCli;
  /** e.g. http://127.0.0.1:41234 — the viewer is at `${origin}/`. */
  origin: string;
  tokens: { alice: string; bob: string; service: string; carol: string };
  seeded: Seeded;
  /** Carol's: more conversations than one list page, and one longer than one page of messages. */
  volume: Volume;
  browser: Browser;
  /** A fresh browser context (no storage shared with other tests); closed by close(). */
  newContext(options?: Parameters<Browser['newContext']>[0]): Promise<BrowserContext>;
  close(): Promise<void>;
}

function createToken(target: DatabaseTarget, args: string[]): string {
  const r = runCli(target, ['token', 'create', ...args]);
  if (r.status !== 0) throw new Error(`token create ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return r.stdout.trim();
}

export async function startViewerFixture(): Promise<ViewerFixture> {
  requireBuiltCli();
  const fresh = await freshTarget('sqlite');
  const target = fresh.target as DatabaseTarget & { provider: 'sqlite' };
  const contexts: BrowserContext[] = [];
  let server: RunningHttpCli | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close().catch(() => {});
    if (server !== undefined && server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    await fresh.drop();
  };
  try {
    // Tokens first: `serve --http` refuses to start on a database that holds none.
    const tokens = {
      alice: createToken(target, ['--owner', 'alice', '--name', 'viewer-test']),
      bob: createToken(target, ['--owner', 'bob']),
      service: createToken(target, ['--owner', 'svc', '--name', 'viewer-service', '--service']),
      carol: createToken(target, ['--owner', 'carol']),
    };
    server = await startHttpCli(target);
    const origin = new URL(server.url).origin;
    const alice = await connectHttp(server.url, tokens.alice);
    let seeded: Seeded;
    try {
      seeded = await seed(alice);
    } finally {
      await alice.close();
    }
    const carol = await connectHttp(server.url, tokens.carol);
    let volume: Volume;
    try {
      volume = await seedVolume(carol);
    } finally {
      await carol.close();
    }
    browser = await launchBrowser();
    const opened = browser;
    return {
      target,
      server,
      origin,
      tokens,
      seeded,
      volume,
      browser,
      async newContext(options) {
        const context = await opened.newContext({ viewport: { width: 1200, height: 800 }, ...options });
        contexts.push(context);
        return context;
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The hostile strings, each stored as content an agent might have written. */
export const HOSTILE = {
  script: '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned=2">',
  jsLink: 'Please [click](javascript:window.__pwned=3) to continue.',
  beaconUrl: 'http://127.0.0.1:9/beacon.png',
  beacon: 'Status: ![x](http://127.0.0.1:9/beacon.png)',
  title: 'Hostile <b>bold</b> title',
  toolArguments: '{"html":"</pre><script>window.__pwned=4</script>","n":1}',
};

/** A long message: > 3,000 characters, with a distinctive last line to prove the rest is kept. */
export const LONG_CONTENT = `${Array.from(
  { length: 60 },
  (_, i) => `Paragraph ${i + 1}: the migration plan covers schema, data and rollback in detail.`,
).join('\n\n')}\n\nTHE-END-OF-THE-LONG-MESSAGE`;

async function seed(alice: Connected): Promise<Seeded> {
  const create = async (key: string, title: string) => {
    const r = await alice.call('create_conversation', { key, title });
    return r.conversation.id as string;
  };
  const append = (conversation_id: string, messages: unknown[]) =>
    alice.call('append_messages', { conversation_id, messages });
  const searchWord = 'aubergine';

  const kickoffId = await create('kickoff', 'Project kickoff');
  await append(kickoffId, [
    { role: 'system', content: 'You are a helpful planning assistant.' },
    { role: 'user', content: `Let us plan the launch dinner. Is an ${searchWord} gratin a good main?` },
    {
      role: 'assistant',
      content: 'Yes. A gratin scales well and can be made ahead.\n\n- prep: 30 min\n- bake: 45 min',
    },
    { role: 'user', content: 'Great, book it for Friday.' },
  ]);

  const toolsId = await create('weather-trip', 'Weather for the Paris trip');
  const calls = [
    { id: 'call_weather_1', name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius","days":3}' },
    { id: 'call_time_2', name: 'get_local_time', arguments: '{"timezone":"Europe/Paris"}' },
  ];
  await append(toolsId, [
    { role: 'system', content: 'You can call tools to answer travel questions.' },
    { role: 'user', content: 'What is the weather in Paris this weekend, and what time is it there?' },
    {
      role: 'assistant',
      content: null,
      tool_calls: calls.map((c) => ({
        id: c.id,
        type: 'function',
        function: { name: c.name, arguments: c.arguments },
      })),
    },
    { role: 'tool', tool_call_id: calls[0]!.id, content: '{"forecast":["sun","clouds","rain"],"high_c":21}' },
    { role: 'tool', tool_call_id: calls[1]!.id, content: '{"time":"14:05","utc_offset":"+01:00"}' },
    { role: 'assistant', content: 'Sunny on Saturday, clouds on Sunday, rain on Monday; it is 14:05 in Paris.' },
    { role: 'user', content: 'Write me the full packing and migration plan.' },
    { role: 'assistant', content: LONG_CONTENT },
  ]);
  const summaryThroughSeq = 6;
  await alice.call('set_summary', {
    conversation_id: toolsId,
    summary: 'The user asked about Paris weather; the assistant called two tools and answered.',
    through_seq: summaryThroughSeq,
  });
  const forkThroughSeq = 6;
  const forked = await alice.call('fork_conversation', {
    conversation_id: toolsId,
    through_seq: forkThroughSeq,
    title: 'Weather for the Paris trip (alternative)',
  });

  const groceriesId = await create('groceries', 'Grocery list');
  await append(groceriesId, [
    { role: 'user', content: 'What do I need for ratatouille?' },
    { role: 'assistant', content: `Tomatoes, courgettes, an ${searchWord}, peppers, onions, garlic and olive oil.` },
  ]);

  const hostileId = await create('hostile', HOSTILE.title);
  await append(hostileId, [
    { role: 'user', content: HOSTILE.script },
    { role: 'assistant', content: HOSTILE.jsLink },
    { role: 'user', content: HOSTILE.beacon },
    {
      role: 'assistant',
      content: 'Calling a tool with odd arguments.',
      tool_calls: [
        { id: 'call_hostile', type: 'function', function: { name: 'render', arguments: HOSTILE.toolArguments } },
      ],
    },
    { role: 'tool', tool_call_id: 'call_hostile', content: '</pre><script>window.__pwned=5</script>' },
  ]);

  return {
    kickoff: { id: kickoffId, key: 'kickoff', title: 'Project kickoff', messageCount: 4 },
    tools: { id: toolsId, key: 'weather-trip', title: 'Weather for the Paris trip', messageCount: 8 },
    fork: {
      id: forked.conversation.id,
      key: forked.conversation.key ?? '',
      title: forked.conversation.title,
      messageCount: forkThroughSeq,
    },
    groceries: { id: groceriesId, key: 'groceries', title: 'Grocery list', messageCount: 2 },
    hostile: { id: hostileId, key: 'hostile', title: HOSTILE.title, messageCount: 5 },
    longSeq: 8,
    longLength: LONG_CONTENT.length,
    toolCallSeq: 3,
    calls: calls.map((c, i) => ({ ...c, resultSeq: 4 + i })),
    summaryThroughSeq,
    forkThroughSeq,
    searchWord,
  };
}

export interface Volume {
  /** How many conversations carol has (the viewer lists 50 a page). */
  conversations: number;
  /** A conversation of `bigCount` messages (the viewer loads 200 a request); message N says `Line N.` */
  bigId: string;
  bigCount: number;
}

async function seedVolume(carol: Connected): Promise<Volume> {
  const conversations = 56;
  for (let i = 1; i < conversations; i++) {
    await carol.call('create_conversation', { title: `Note ${String(i).padStart(2, '0')}` });
  }
  const big = await carol.call('create_conversation', { title: 'A long chat', key: 'long-chat' });
  const bigCount = 450;
  for (let from = 1; from <= bigCount; from += 90) {
    const messages = [];
    for (let seq = from; seq < from + 90 && seq <= bigCount; seq++) {
      messages.push({ role: seq % 2 === 1 ? 'user' : 'assistant', content: `Line ${seq}.` });
    }
    await carol.call('append_messages', { conversation_id: big.conversation.id, messages });
  }
  return { conversations, bigId: big.conversation.id, bigCount };
}

/** `chat-history-mcp export` of one conversation, as the operator would run it. */
export function cliExport(target: DatabaseTarget, owner: string, id: string, format: string): string {
  const r = runCli(target, ['--owner', owner, 'export', id, '--format', format]);
  if (r.status !== 0) throw new Error(`export ${id} --format ${format} failed (${r.status}):\n${r.stderr}`);
  return r.stdout;
}

export interface RunningView {
  /** The URL the command printed, secret included. */
  url: string;
  stdout(): string;
  stderr(): string;
  child: ChildProcess;
  exited: Promise<Exit>;
  stop(): Promise<Exit>;
}

/**
 * `chat-history-mcp [global flags] view`: waits for the first http URL it prints on stdout
 * (`#secret=` included); rejects with its output if it exits first or prints none in time.
 */
export async function startView(target: DatabaseTarget, globalArgs: string[] = []): Promise<RunningView> {
  requireBuiltCli();
  const db = databaseArgs(target);
  const child = spawn(process.execPath, [CLI, ...db.args, ...globalArgs, 'view'], {
    env: { ...db.env, BROWSER: 'none' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`view printed no URL in 60 s:\n${stdout}\n${stderr}`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const match = /http:\/\/\S+/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
    void exited.then((exit) => {
      clearTimeout(timer);
      reject(new Error(`view exited (${JSON.stringify(exit)}) before printing a URL:\n${stdout}\n${stderr}`));
    });
  });
  return {
    url,
    child,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
