/**
 * The chat-history-mcp web viewer: a read-only single page over the JSON API under /api.
 *
 * Everything the store holds (titles, keys, content, tool names and arguments, metadata,
 * snippets) was written by an agent, maybe steered by a prompt injection: it is untrusted.
 * So the DOM is built with createElement and text nodes only (never innerHTML), nothing is
 * rendered as markdown, and every link is one of our own routes built from an id with
 * encodeURIComponent, never a URL taken from content. The server's CSP is a second wall.
 *
 * The bearer token lives in sessionStorage (this tab only, gone when it closes): never in a
 * URL, never in localStorage.
 */

const TOKEN_KEY = 'chm.token';
const OWNER_KEY = 'chm.owner';
const ROLES = ['system', 'user', 'assistant', 'tool'];
const ROLE_LABELS = { system: 'System', user: 'User', assistant: 'Assistant', tool: 'Tool' };
const EXPORTS = [
  ['json', 'JSON'],
  ['markdown', 'Markdown'],
  ['openai', 'OpenAI'],
  ['anthropic', 'Anthropic'],
];
// Past either bound a text starts collapsed behind a "Show all" button.
const LONG_CHARS = 1500;
const LONG_LINES = 25;
const MESSAGE_PAGE = 200;

const main = document.getElementById('main');
const statusEl = document.getElementById('status');
const whoamiEl = document.getElementById('whoami');
const signoutEl = document.getElementById('signout');

/** Who we are signed in as ({ owner, kind }), once GET /api/session said so. */
let session = null;
/** The page on screen: its abort signal (navigating away cancels its requests) and URL. */
let page = null;

class AuthError extends Error {}
class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// ---------------------------------------------------------------- DOM building (text only)

/** createElement with attributes and children; strings become text nodes, never markup. */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    // Handlers go through addEventListener; an on* attribute would be inline script.
    if (/^on/i.test(name)) throw new Error(`refusing attribute ${name}`);
    el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child !== undefined && child !== null && child !== false) el.append(child);
  }
  return el;
}

/** The only way a conversation URL is made: an id, encoded, under our own /c/ route. */
function convHref(id, seq) {
  return `/c/${encodeURIComponent(String(id))}${seq === undefined ? '' : `#seq-${Number(seq)}`}`;
}

function titleOf(conversation) {
  const t = conversation?.title ?? conversation?.conversation_title;
  return typeof t === 'string' && t.trim() !== '' ? t : '(untitled)';
}

function plural(n, word) {
  return `${Number(n).toLocaleString()} ${word}${Number(n) === 1 ? '' : 's'}`;
}

/** A time in the reader's locale, with the exact ISO string kept in datetime and the tooltip. */
function timeEl(iso) {
  if (!iso) return null;
  const d = new Date(iso);
  return h('time', { datetime: iso, title: iso }, Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString());
}

function roleEl(role) {
  return h('span', { class: `role role-${ROLES.includes(role) ? role : 'other'}` }, ROLE_LABELS[role] ?? String(role));
}

function jsonBlock(label, value) {
  return h('details', { class: 'metadata' }, h('summary', {}, label), h('pre', {}, JSON.stringify(value, null, 2)));
}

/**
 * Stored text as pre-wrapped text. A long one is clipped by CSS (the whole text stays in the
 * DOM, so find-in-page and copy still see it) with a button that toggles it open.
 */
function textBlock(text, className) {
  const body = h('div', { class: className }, text);
  if (text === '') {
    body.classList.add('empty');
    body.textContent = '(empty)';
  }
  const lines = text.split('\n').length;
  if (text.length <= LONG_CHARS && lines <= LONG_LINES) return [body];
  body.classList.add('collapsed');
  const size = `${plural(text.length, 'character')}, ${plural(lines, 'line')}`;
  const toggle = h('button', { type: 'button', class: 'show-all', 'aria-expanded': 'false' }, `Show all (${size})`);
  toggle.addEventListener('click', () => {
    const open = body.classList.toggle('collapsed') === false;
    toggle.setAttribute('aria-expanded', String(open));
    toggle.textContent = open ? 'Show less' : `Show all (${size})`;
  });
  return [body, toggle];
}

/** A search snippet: the text between « and » becomes <mark> (as text nodes, like the rest). */
function snippetNodes(snippet) {
  const out = [];
  const text = String(snippet ?? '');
  const re = /«([^«»]*)»/g;
  let last = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push(h('mark', {}, m[1]));
    last = re.lastIndex;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** Tool-call arguments pretty-printed when they are JSON, byte-for-byte otherwise. */
function prettyArguments(args) {
  const raw = typeof args === 'string' ? args : JSON.stringify(args ?? '');
  try {
    const parsed = JSON.parse(raw);
    return parsed !== null && typeof parsed === 'object' ? JSON.stringify(parsed, null, 2) : raw;
  } catch {
    return raw;
  }
}

function setStatus(text, kind = 'info') {
  statusEl.textContent = text;
  statusEl.className = kind === 'error' ? 'error' : '';
}

// ---------------------------------------------------------------- API

/**
 * X-Chat-History-Owner: fetch cannot send characters above U+00FF (and sends the others as
 * Latin-1), so a name that is not plain ASCII goes percent-encoded after RFC 8187's UTF-8''
 * prefix, which the server decodes; so does one that itself starts with that prefix.
 */
function ownerHeader(owner) {
  const plain = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/.test(owner) && !/^utf-8''/i.test(owner);
  return plain ? owner : `UTF-8''${encodeURIComponent(owner)}`;
}

/** One API request: JSON back (or the Response when raw), ApiError / AuthError on failure. */
async function api(path, { params, signal, method = 'GET', body, raw = false } = {}) {
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(params ?? {})) {
    if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
  }
  const headers = { Accept: raw ? '*/*' : 'application/json' };
  const token = sessionStorage.getItem(TOKEN_KEY);
  const owner = sessionStorage.getItem(OWNER_KEY);
  if (token) headers.Authorization = `Bearer ${token}`;
  if (owner) headers['X-Chat-History-Owner'] = ownerHeader(owner);
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
      cache: 'no-store',
    });
  } catch (err) {
    if (err?.name === 'AbortError') throw err;
    throw new Error('Could not reach the server (network error). Is chat-history-mcp still running?');
  }
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`.trim();
    try {
      const answer = await res.json();
      if (typeof answer?.error === 'string') message = answer.error;
    } catch {
      // Not JSON (a proxy's page, say): the status line says enough.
    }
    throw res.status === 401 ? new AuthError(message) : new ApiError(res.status, message);
  }
  return raw ? res : res.json();
}

async function loadSession(signal) {
  session = await api('/api/session', { signal });
  showWho();
}

function showWho() {
  whoamiEl.hidden = signoutEl.hidden = session === null;
  const kind = session?.kind === 'service' ? ' (service token)' : '';
  whoamiEl.textContent = session ? `Signed in as ${session.owner}${kind}` : '';
}

// ---------------------------------------------------------------- routing

function currentKey() {
  return location.pathname + location.search;
}

function navigate(url, replace = false) {
  history[replace ? 'replaceState' : 'pushState'](null, '', url);
  render({ focus: true });
}

/** Draw the page the URL names. Any page still loading is aborted first. */
async function render({ focus = false } = {}) {
  page?.controller.abort();
  const controller = new AbortController();
  const ctx = { controller, signal: controller.signal, key: currentKey(), focus };
  page = ctx;
  setStatus('');
  for (const [id, path] of [
    ['nav-conversations', '/'],
    ['nav-search', '/search'],
  ]) {
    const link = document.getElementById(id);
    if (location.pathname === path) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (!sessionStorage.getItem(TOKEN_KEY)) return showSignin();
  try {
    if (session === null) await loadSession(ctx.signal);
    const path = location.pathname;
    const conversation = /^\/c\/([^/]+)$/.exec(path);
    if (path === '/') await showList(ctx);
    else if (path === '/search') await showSearch(ctx);
    else if (conversation) await showConversation(ctx, decodeURIComponent(conversation[1]));
    else showPage(ctx, 'Page not found', h('p', {}, h('a', { href: '/' }, 'Back to the conversations')));
  } catch (err) {
    failed(ctx, err);
  }
}

/** Replace the main content; focus the new h1 after a navigation, for screen readers. */
function showPage(ctx, title, ...content) {
  const heading = h('h1', { tabindex: -1 }, title);
  main.replaceChildren(heading, ...content.flat().filter((c) => c !== null && c !== undefined));
  document.title = `${title} — Chat history`;
  if (ctx?.focus) heading.focus();
  return heading;
}

function failed(ctx, err) {
  if (err?.name === 'AbortError' || ctx.signal.aborted) return;
  if (err instanceof AuthError) return signOut(err.message, false);
  setStatus(err?.message ?? String(err), 'error');
}

/** Run an event handler's promise; its failure shows like a page's. */
function guard(ctx, promise) {
  promise.catch((err) => failed(ctx, err));
}

// ---------------------------------------------------------------- sign-in

/** Forget the token (and on an explicit sign-out, everything) and show the sign-in form. */
function signOut(message, everything = true) {
  page?.controller.abort();
  if (everything) sessionStorage.clear();
  else sessionStorage.removeItem(TOKEN_KEY);
  session = null;
  showWho();
  showSignin(message);
}

function showSignin(message) {
  showWho();
  // No name attributes: even if this form were ever submitted natively, the token would not
  // end up in a URL.
  const token = h('input', { id: 'token', type: 'password', required: true, autocomplete: 'off', spellcheck: 'false' });
  const owner = h('input', { id: 'owner', type: 'text', autocomplete: 'off', spellcheck: 'false' });
  owner.value = sessionStorage.getItem(OWNER_KEY) ?? '';
  const submit = h('button', { type: 'submit', id: 'signin-submit' }, 'Sign in');
  const form = h(
    'form',
    { id: 'signin', class: 'card' },
    h('div', { class: 'field' }, h('label', { for: 'token' }, 'Access token'), token),
    h('p', { class: 'hint', id: 'token-hint' }, 'From `chat-history-mcp token create`.'),
    h('div', { class: 'field' }, h('label', { for: 'owner' }, 'Owner (service tokens only)'), owner),
    submit,
  );
  token.setAttribute('aria-describedby', 'token-hint');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const secret = token.value.trim();
    // A token is printable ASCII; anything else could not even go into a header.
    if (!/^[\x21-\x7e]+$/.test(secret)) {
      setStatus('That is not an access token (it should be one word of letters, digits and symbols).', 'error');
      return token.focus();
    }
    sessionStorage.setItem(TOKEN_KEY, secret);
    if (owner.value.trim()) sessionStorage.setItem(OWNER_KEY, owner.value.trim());
    else sessionStorage.removeItem(OWNER_KEY);
    submit.disabled = true;
    setStatus('Signing in…');
    try {
      await loadSession();
    } catch (err) {
      sessionStorage.removeItem(TOKEN_KEY);
      session = null;
      showWho();
      submit.disabled = false;
      setStatus(err?.message ?? String(err), 'error');
      return token.focus();
    }
    render({ focus: true });
  });
  showPage(
    null,
    'Sign in',
    h('p', {}, 'Paste an access token, or open the link that `chat-history-mcp view` prints.'),
    form,
  );
  if (message) setStatus(message, 'error');
  token.focus();
}

/**
 * `chat-history-mcp view` opens /#secret=…: a one-time secret, traded for a session token.
 * It leaves the address bar and the history entry before anything else happens.
 */
async function useSecret() {
  let secret = location.hash.slice('#secret='.length);
  history.replaceState(null, '', currentKey());
  try {
    secret = decodeURIComponent(secret);
  } catch {
    // Not percent-encoded: sent as it came.
  }
  page?.controller.abort();
  sessionStorage.removeItem(TOKEN_KEY);
  session = null;
  setStatus('Signing in…');
  try {
    const answer = await api('/api/session', { method: 'POST', body: { secret } });
    if (typeof answer?.token !== 'string' || answer.token === '') throw new Error('The server sent no token.');
    sessionStorage.setItem(TOKEN_KEY, answer.token);
    sessionStorage.removeItem(OWNER_KEY);
  } catch (err) {
    return showSignin(`This sign-in link did not work: ${err?.message ?? err}`);
  }
  render();
}

// ---------------------------------------------------------------- paged lists

/**
 * A list that grows by cursor: a reset starts over (a newer reset wins over an older one
 * still in flight), "more" appends and moves focus to the first new item.
 */
function pager(ctx, { list, more, empty, noun, fetchPage, items, item, emptyText }) {
  let cursor = null;
  let generation = 0;
  async function next(reset) {
    const mine = reset ? ++generation : generation;
    more.disabled = true;
    setStatus(`Loading ${noun}…`);
    let data;
    try {
      data = await fetchPage(reset ? undefined : cursor);
    } catch (err) {
      if (mine === generation && reset) {
        list.replaceChildren();
        more.hidden = true;
      }
      more.disabled = false;
      throw err;
    }
    if (mine !== generation || ctx.signal.aborted) return;
    if (reset) list.replaceChildren();
    const added = items(data).map(item);
    list.append(...added);
    cursor = data.next_cursor ?? null;
    more.hidden = cursor === null;
    more.disabled = false;
    empty.hidden = list.childElementCount > 0;
    empty.textContent = emptyText();
    setStatus(`${plural(list.childElementCount, noun.replace(/s$/, ''))} shown${cursor ? '; more available' : ''}.`);
    if (!reset) added[0]?.querySelector('a')?.focus();
  }
  more.addEventListener('click', () => guard(ctx, next(false)));
  return (reset) => next(reset);
}

// ---------------------------------------------------------------- page: conversation list

async function showList(ctx) {
  let query = new URLSearchParams(location.search).get('query') ?? '';
  const filter = h('input', { id: 'filter', type: 'search', autocomplete: 'off', spellcheck: 'false' });
  filter.value = query;
  const form = h(
    'form',
    { id: 'filter-form', role: 'search', class: 'inline-form' },
    h('label', { for: 'filter' }, 'Filter by title or key'),
    h('div', { class: 'row' }, filter, h('button', { type: 'submit' }, 'Filter')),
  );
  const list = h('ul', { id: 'conversations', class: 'items' });
  const empty = h('p', { id: 'empty', class: 'empty-state', hidden: true });
  const more = h('button', { id: 'load-more', type: 'button', hidden: true }, 'Load more');
  showPage(ctx, 'Conversations', form, list, empty, more);

  const load = pager(ctx, {
    list,
    more,
    empty,
    noun: 'conversations',
    fetchPage: (cursor) => api('/api/conversations', { params: { limit: 50, cursor, query }, signal: ctx.signal }),
    items: (data) => data.conversations ?? [],
    item: conversationItem,
    emptyText: () => (query ? `No conversation's title or key contains “${query}”.` : 'No conversations yet.'),
  });
  // The filter lives in the URL (replaced, not pushed: typing is not navigation), so a reload keeps it.
  const apply = () => {
    if (ctx.signal.aborted || filter.value.trim() === query) return; // a timer left from a page since left
    query = filter.value.trim();
    history.replaceState(null, '', query ? `/?query=${encodeURIComponent(query)}` : '/');
    ctx.key = currentKey();
    guard(ctx, load(true));
  };
  let timer;
  filter.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(apply, 300);
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearTimeout(timer);
    apply();
  });
  await load(true);
}

function conversationItem(c) {
  return h(
    'li',
    { class: 'item conversation', 'data-id': c.id },
    h(
      'div',
      { class: 'item-head' },
      h('a', { class: 'title', href: convHref(c.id) }, titleOf(c)),
      c.forked_from ? h('span', { class: 'badge forked' }, 'forked') : null,
    ),
    h(
      'div',
      { class: 'meta' },
      c.key != null ? h('span', { class: 'key' }, 'key ', h('code', {}, c.key)) : null,
      h('span', { class: 'count' }, plural(c.message_count ?? 0, 'message')),
      h('span', { class: 'updated' }, 'last activity ', timeEl(c.updated_at)),
    ),
  );
}

// ---------------------------------------------------------------- page: search

/** An ISO time as a datetime-local value (the reader's local time), '' when there is none. */
function toLocalInput(iso) {
  const d = new Date(iso ?? '');
  if (!iso || Number.isNaN(d.getTime())) return '';
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

async function showSearch(ctx) {
  const url = new URLSearchParams(location.search);
  const state = {
    q: url.get('q') ?? '',
    roles: (url.get('roles') ?? '').split(',').filter((r) => ROLES.includes(r)),
    after: url.get('after') ?? '',
    before: url.get('before') ?? '',
  };
  const q = h('input', { id: 'q', type: 'search', required: true, autocomplete: 'off', spellcheck: 'false' });
  q.value = state.q;
  const roleBoxes = ROLES.map((role) =>
    h('input', { type: 'checkbox', id: `role-${role}`, value: role, checked: state.roles.includes(role) }),
  );
  const after = h('input', { id: 'after', type: 'datetime-local' });
  const before = h('input', { id: 'before', type: 'datetime-local' });
  after.value = toLocalInput(state.after);
  before.value = toLocalInput(state.before);
  const form = h(
    'form',
    { id: 'search-form', role: 'search', class: 'card' },
    h('div', { class: 'field' }, h('label', { for: 'q' }, 'Search messages'), q),
    h(
      'fieldset',
      { class: 'roles' },
      h('legend', {}, 'Roles (none ticked: all)'),
      ROLES.map((role, i) => h('label', { class: 'check' }, roleBoxes[i], ` ${ROLE_LABELS[role]}`)),
    ),
    h(
      'div',
      { class: 'dates' },
      h('div', { class: 'field' }, h('label', { for: 'after' }, 'After'), after),
      h('div', { class: 'field' }, h('label', { for: 'before' }, 'Before'), before),
    ),
    h('button', { type: 'submit' }, 'Search'),
  );
  const terms = h('p', { id: 'terms', class: 'meta', hidden: true });
  const results = h('ol', { id: 'results', class: 'items' });
  const empty = h('p', { id: 'no-results', class: 'empty-state', hidden: true });
  const more = h('button', { id: 'more-results', type: 'button', hidden: true }, 'More results');
  showPage(ctx, 'Search', form, terms, results, empty, more);

  const load = pager(ctx, {
    list: results,
    more,
    empty,
    noun: 'results',
    fetchPage: async (cursor) => {
      const data = await api('/api/search', {
        params: {
          query: state.q,
          roles: state.roles.join(','),
          after: state.after,
          before: state.before,
          cursor,
          limit: 20,
        },
        signal: ctx.signal,
      });
      terms.hidden = !data.terms?.length;
      terms.textContent = data.terms?.length ? `Matching: ${data.terms.join(', ')}` : '';
      return data;
    },
    items: (data) => data.hits ?? [],
    item: hitItem,
    emptyText: () => 'No messages match.',
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const when = (input, label) => {
      if (!input.value) return '';
      const d = new Date(input.value); // datetime-local: read as the reader's local time
      if (Number.isNaN(d.getTime())) throw new Error(`"${label}" is not a valid date and time.`);
      return d.toISOString();
    };
    try {
      Object.assign(state, {
        q: q.value.trim(),
        roles: roleBoxes.filter((box) => box.checked).map((box) => box.value),
        after: when(after, 'After'),
        before: when(before, 'Before'),
      });
    } catch (err) {
      return setStatus(err.message, 'error');
    }
    const next = new URLSearchParams();
    for (const [k, v] of [
      ['q', state.q],
      ['roles', state.roles.join(',')],
      ['after', state.after],
      ['before', state.before],
    ]) {
      if (v) next.set(k, v);
    }
    // The form stays (and keeps focus); only the URL and the results change.
    const target = `/search?${next}`;
    history[target === currentKey() ? 'replaceState' : 'pushState'](null, '', target);
    ctx.key = currentKey();
    guard(ctx, load(true));
  });
  if (state.q) await load(true);
}

function hitItem(hit) {
  return h(
    'li',
    { class: 'item hit', 'data-conversation-id': hit.conversation_id, 'data-seq': Number(hit.seq) },
    h(
      'div',
      { class: 'item-head' },
      h(
        'a',
        { class: 'title', href: convHref(hit.conversation_id, hit.seq) },
        titleOf(hit),
        h('span', { class: 'at-seq' }, ` — message ${Number(hit.seq)}`),
      ),
    ),
    h('div', { class: 'meta' }, roleEl(hit.role), h('span', {}, `#${Number(hit.seq)}`), timeEl(hit.created_at)),
    h('p', { class: 'snippet' }, snippetNodes(hit.snippet)),
  );
}

// ---------------------------------------------------------------- page: one conversation

async function showConversation(ctx, id) {
  const path = `/api/conversations/${encodeURIComponent(id)}`;
  showPage(ctx, 'Loading conversation…');
  setStatus('Loading conversation…');
  let data;
  try {
    data = await api(path, { signal: ctx.signal });
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 404) throw err;
    showPage(ctx, 'Conversation not found', h('p', {}, h('a', { href: '/' }, 'Back to the conversations')));
    return setStatus(err.message, 'error');
  }
  const c = data.conversation;
  const summary = data.summary ?? null;
  const fork = c.forked_from ?? null;
  const messages = h('div', { id: 'messages' });
  const progress = h('progress', {
    id: 'progress',
    'aria-label': 'Messages loaded',
    max: Math.max(1, c.message_count ?? 0),
    value: 0,
  });
  const progressText = h('span', { id: 'progress-text' });
  const exportButtons = EXPORTS.map(([format, label]) => h('button', { type: 'button', 'data-format': format }, label));
  for (const button of exportButtons) button.addEventListener('click', () => guard(ctx, download(c.id, button)));

  const facts = [
    ['Key', c.key != null ? h('code', {}, c.key) : null],
    ['Messages', Number(c.message_count ?? 0).toLocaleString()],
    ['Created', timeEl(c.created_at)],
    ['Last activity', timeEl(c.updated_at)],
    ['Expires', timeEl(c.expires_at)],
    ['Id', h('code', {}, c.id)],
  ].filter(([, value]) => value !== null);

  let forkLink = null;
  if (fork) {
    forkLink = h('a', { href: convHref(fork.conversation_id, fork.through_seq) }, 'its parent conversation');
    // The parent's title is a nicety: if it cannot be read (deleted, say), the link stays as it is.
    api(`/api/conversations/${encodeURIComponent(fork.conversation_id)}`, { signal: ctx.signal }).then(
      (parent) => {
        forkLink.textContent = titleOf(parent.conversation);
      },
      () => {},
    );
  }
  showPage(
    ctx,
    titleOf(c),
    h(
      'dl',
      { class: 'facts' },
      facts.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v))),
    ),
    c.metadata != null ? jsonBlock('Metadata', c.metadata) : null,
    fork
      ? h(
          'p',
          { class: 'forked-from' },
          'Forked from ',
          forkLink,
          ` at seq ${Number(fork.through_seq)}: messages 1–${Number(fork.through_seq)} are copies.`,
        )
      : null,
    summary
      ? h(
          'section',
          { id: 'summary', class: 'summary', 'aria-labelledby': 'summary-title' },
          h('h2', { id: 'summary-title' }, `Summary of messages 1–${Number(summary.through_seq)}`),
          h('p', { class: 'meta' }, 'Written ', timeEl(summary.created_at)),
          textBlock(String(summary.content ?? ''), 'content'),
        )
      : null,
    h(
      'div',
      { id: 'export', class: 'export', role: 'group', 'aria-labelledby': 'export-label' },
      h('span', { id: 'export-label' }, 'Export:'),
      exportButtons,
    ),
    h('h2', {}, 'Messages'),
    h('p', { class: 'progress' }, progress, ' ', progressText),
    messages,
  );

  const transcript = {
    copiedThrough: fork ? Number(fork.through_seq) : 0,
    summarizedThrough: summary ? Number(summary.through_seq) : 0,
    /** call id → { seq, name, slot }: links a tool result to its call, both ways. */
    calls: new Map(),
  };
  let afterSeq = 0;
  let loaded = 0;
  let shown = false;
  for (;;) {
    const batch = await api(`${path}/messages`, {
      params: { after_seq: afterSeq, limit: MESSAGE_PAGE },
      signal: ctx.signal,
    });
    if (ctx.signal.aborted) return;
    const list = batch.messages ?? [];
    messages.append(...list.map((m) => messageEl(m, transcript)));
    loaded += list.length;
    if (list.length) afterSeq = Number(list[list.length - 1].seq);
    const total = Math.max(Number(batch.message_count ?? 0), loaded);
    progress.max = Math.max(1, total);
    progress.value = loaded;
    progressText.textContent = `${loaded.toLocaleString()} of ${plural(total, 'message')} loaded`;
    setStatus(`Loading messages: ${loaded.toLocaleString()} of ${total.toLocaleString()}…`);
    // Messages only ever arrive below, so the target can be shown as soon as it exists.
    if (!shown) shown = showTarget(false);
    if (!batch.has_more_after || list.length === 0) break;
  }
  for (const call of transcript.calls.values()) {
    if (call.slot.classList.contains('pending')) call.slot.textContent = 'no result';
  }
  progress.parentElement.hidden = true;
  setStatus(loaded === 0 ? 'This conversation has no messages.' : `${plural(loaded, 'message')} loaded.`);
  if (!shown) showTarget(true);
}

function messageEl(m, transcript) {
  const seq = Number(m.seq);
  const role = ROLES.includes(m.role) ? m.role : 'other';
  const article = h('article', {
    class: `message role-${role}`,
    id: `seq-${seq}`,
    'data-seq': seq,
    'data-role': m.role,
    'aria-label': `${ROLE_LABELS[role] ?? m.role} message ${seq}`,
    tabindex: -1,
  });
  const notes = [];
  if (seq <= transcript.copiedThrough) {
    article.classList.add('copied');
    notes.push(h('span', { class: 'note' }, 'copied from the parent'));
  }
  if (seq <= transcript.summarizedThrough) {
    article.classList.add('summarized');
    notes.push(h('span', { class: 'note' }, 'summarized'));
  }
  article.append(
    h(
      'header',
      { class: 'message-head' },
      roleEl(m.role),
      m.name ? h('span', { class: 'name' }, m.name) : null,
      h('a', { class: 'seq', href: `#seq-${seq}`, title: 'Link to this message' }, `#${seq}`),
      timeEl(m.created_at),
      notes,
    ),
  );
  if (m.role === 'tool' && m.tool_call_id != null) {
    const callId = String(m.tool_call_id);
    article.setAttribute('data-tool-call-id', callId);
    const call = transcript.calls.get(callId);
    if (call) {
      article.append(
        h('p', { class: 'answers' }, h('a', { class: 'call-link', href: `#seq-${call.seq}` }, `← call ${call.name}`)),
      );
      if (call.slot.classList.contains('pending')) call.slot.replaceChildren();
      else call.slot.append(' ');
      call.slot.classList.remove('pending');
      call.slot.append(h('a', { class: 'result-link', href: `#seq-${seq}` }, '→ result'));
    } else {
      article.append(h('p', { class: 'answers' }, `Answers call ${callId} (not in this transcript)`));
    }
  }
  const calls = Array.isArray(m.tool_calls) ? m.tool_calls : [];
  if (m.content != null) article.append(...textBlock(String(m.content), 'content'));
  else if (calls.length === 0) article.append(h('p', { class: 'content empty' }, '(no content)'));
  for (const call of calls) {
    const callId = String(call?.id ?? '');
    const name = String(call?.function?.name ?? '(unnamed)');
    const slot = h('span', { class: 'result pending' }, 'no result yet');
    if (!transcript.calls.has(callId)) transcript.calls.set(callId, { seq, name, slot });
    article.append(
      h(
        'div',
        { class: 'tool-call', 'data-call-id': callId },
        h(
          'div',
          { class: 'tool-call-head' },
          h('span', { class: 'label' }, 'Tool call'),
          h('code', { class: 'function' }, name),
          h('span', { class: 'call-id' }, callId),
          slot,
        ),
        textBlock(prettyArguments(call?.function?.arguments), 'arguments'),
      ),
    );
  }
  if (m.metadata != null) article.append(jsonBlock('Metadata', m.metadata));
  return article;
}

/** Scroll to and highlight the message the hash names (#seq-N). False when it is not there (yet). */
function showTarget(report) {
  const match = /^#seq-(\d+)$/.exec(location.hash);
  const target = match ? document.getElementById(`seq-${Number(match[1])}`) : null;
  for (const el of document.querySelectorAll('.message.target')) {
    if (el !== target) el.classList.remove('target');
  }
  if (!match) return false;
  if (!target) {
    if (report) setStatus(`Message ${Number(match[1])} is not in this conversation.`, 'error');
    return false;
  }
  target.classList.add('target');
  target.scrollIntoView({ block: 'start' });
  target.focus({ preventScroll: true });
  return true;
}

/** Export needs the Authorization header, so no plain link: fetch, then save the blob. */
async function download(id, button) {
  const format = button.getAttribute('data-format');
  button.disabled = true;
  setStatus(`Exporting (${button.textContent})…`);
  try {
    const res = await api(`/api/conversations/${encodeURIComponent(id)}/export`, { params: { format }, raw: true });
    const blob = await res.blob();
    const disposition = res.headers.get('Content-Disposition') ?? '';
    const named = /filename\*=UTF-8''([^;]+)/i.exec(disposition) ?? /filename="?([^";]+)"?/i.exec(disposition);
    let name = `${id}.${format === 'markdown' ? 'md' : 'json'}`;
    if (named) {
      try {
        name = decodeURIComponent(named[1]);
      } catch {
        name = named[1];
      }
    }
    const url = URL.createObjectURL(blob);
    const link = h('a', { href: url, download: name.replace(/[\\/]/g, '_'), hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    // Revoked later, not at once: the browser may still be reading the blob.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    setStatus(`Exported ${name}.`);
  } finally {
    button.disabled = false;
  }
}

// ---------------------------------------------------------------- start

// Same-origin links to our routes are handled here (no page load, so no new sign-in).
document.addEventListener('click', (event) => {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
  if (!link || link.target || link.hasAttribute('download') || link.origin !== location.origin) return;
  const samePage = link.pathname === location.pathname && link.search === location.search;
  // A #fragment on this page: the browser scrolls, hashchange highlights.
  if (samePage && link.hash) return;
  event.preventDefault();
  navigate(link.pathname + link.search + link.hash, samePage);
});

window.addEventListener('popstate', () => {
  // A step back or forward between #fragments of the same page needs no new render.
  if (page && currentKey() === page.key) showTarget(true);
  else render({ focus: true });
});

window.addEventListener('hashchange', () => {
  if (location.hash.startsWith('#secret=')) useSecret();
  else if (location.pathname.startsWith('/c/')) showTarget(true);
});

signoutEl.addEventListener('click', () => signOut());

if (location.hash.startsWith('#secret=')) useSecret();
else render();
