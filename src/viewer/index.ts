import express, { type Router } from 'express';
import type { HistoryStore } from '../history/store.js';
import type { Logger } from '../logger.js';
import { viewerApi } from './api.js';
import { viewerPages } from './pages.js';

/**
 * The read-only web viewer: its page and assets, and its JSON API under /api, authenticated by
 * `authenticate` (bearer tokens under `serve --http`, a local session under `view`). Mounted on
 * an app that already checks the Host header. Built only by those two entry points, so the
 * stdio server never loads it.
 */
export function viewerRoutes(o: { store: HistoryStore; authenticate: express.RequestHandler; logger: Logger }): Router {
  const router = express.Router();
  router.use(viewerPages());
  router.use(
    '/api',
    viewerApi({ authenticate: o.authenticate, historyFor: (owner) => o.store.forOwner(owner), logger: o.logger }),
  );
  return router;
}
