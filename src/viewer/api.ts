import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { HistoryError } from '../history/core/errors.js';
import type { OwnerHistory } from '../history/store.js';
import type { Logger } from '../logger.js';
import { exportForDownload } from './export-download.js';

/** Who an authenticated viewer request is: the owner it reads, and how it signed in. */
export interface ViewerIdentity {
  owner: string;
  kind: 'token' | 'service' | 'local';
}

export interface ViewerApiOptions {
  /** Authenticates a request; on success sets res.locals.viewer (ViewerIdentity), else answers it. */
  authenticate: express.RequestHandler;
  /** The owner's memory: the same entry point as the MCP tools (HistoryStore.forOwner). */
  historyFor(owner: string): OwnerHistory;
  logger: Logger;
}

/**
 * The viewer's JSON API under /api: read-only, each route one call of the domain the tools
 * use (list_conversations, get_conversation, get_history, search_messages,
 * export_conversation), so the rules, limits and owner isolation are the tools' own. Answers
 * are JSON; a failure is `{ "error": message }` with 400 (bad input), 404 (not found: another
 * owner's conversation is simply not found) or 500.
 */
export function viewerApi(o: ViewerApiOptions): Router {
  const router = express.Router();
  router.use(o.authenticate);
  const history = (res: Response) => o.historyFor((res.locals.viewer as ViewerIdentity).owner);
  const route =
    (handler: (req: Request, res: Response) => Promise<unknown>) =>
    (req: Request, res: Response, next: NextFunction) => {
      handler(req, res).then(
        (body) => {
          if (!res.headersSent) res.set('Cache-Control', 'no-store').json(body);
        },
        (err: unknown) => fail(res, err, o.logger, next),
      );
    };

  router.get(
    '/session',
    route(async (_req, res) => res.locals.viewer as ViewerIdentity),
  );
  router.get(
    '/conversations',
    route((req, res) =>
      history(res).listConversations({
        ...int(req, 'limit'),
        ...text(req, 'cursor'),
        ...text(req, 'query'),
      }),
    ),
  );
  router.get(
    '/conversations/:id',
    route(async (req, res) => {
      const h = history(res);
      const conversation = await h.getConversation({ conversation_id: req.params.id });
      return { conversation, summary: await h.getSummary({ conversation_id: req.params.id }) };
    }),
  );
  router.get(
    '/conversations/:id/messages',
    route((req, res) =>
      history(res).getHistory({
        conversation_id: req.params.id,
        after_seq: 0,
        ...int(req, 'after_seq'),
        ...int(req, 'limit'),
      }),
    ),
  );
  router.get(
    '/search',
    route((req, res) =>
      history(res).searchMessages({
        ...text(req, 'query'),
        ...text(req, 'conversation_id'),
        ...list(req, 'roles'),
        ...text(req, 'after'),
        ...text(req, 'before'),
        ...int(req, 'limit'),
        ...text(req, 'cursor'),
      }),
    ),
  );
  router.get('/conversations/:id/export', (req, res, next) => {
    exportForDownload(history(res), req.params.id, req.query.format, res).catch((err: unknown) =>
      fail(res, err, o.logger, next),
    );
  });
  router.use((_req, res) => {
    res.status(404).json({ error: 'no such API route' });
  });
  return router;
}

/**
 * Query-string values as the domain's inputs: present only when given, numbers as numbers
 * (anything else reaches the domain as text, whose validation names the field).
 */
function text(req: Request, name: string): Record<string, unknown> {
  const v = req.query[name];
  return v === undefined ? {} : { [name]: v };
}
function int(req: Request, name: string): Record<string, unknown> {
  const v = req.query[name];
  return typeof v === 'string' && /^\d{1,15}$/.test(v) ? { [name]: Number(v) } : text(req, name);
}
function list(req: Request, name: string): Record<string, unknown> {
  const v = req.query[name];
  return typeof v === 'string' ? { [name]: v.split(',').filter((s) => s !== '') } : text(req, name);
}

function fail(res: Response, err: unknown, logger: Logger, next: NextFunction): void {
  if (res.headersSent) {
    next(err);
    return;
  }
  if (err instanceof HistoryError) {
    const status = err.code === 'not_found' ? 404 : 400;
    res.status(status).json({ error: err.message });
    return;
  }
  logger.error({ err: (err as Error)?.message }, 'viewer request failed');
  res.status(500).json({ error: 'internal error' });
}
