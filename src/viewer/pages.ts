import { readFileSync } from 'node:fs';
import express, { type Router } from 'express';

/**
 * The viewer's page and assets. One HTML page for every route of the app (it routes itself);
 * the assets are a fixed list read once, so no request path ever reaches the file system.
 * Every response carries a Content-Security-Policy that allows nothing but this origin: no
 * inline script, no external request — a second wall behind the app's text-only rendering of
 * stored content (a `<script>` or an image beacon in a message stays text either way).
 */
const ASSETS = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
} as const;

/** The app's own routes: the list, search, and one conversation. */
const PAGES = ['/', '/search', '/c/:id'];

const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

export function viewerPages(): Router {
  const dir = new URL('./assets/', import.meta.url);
  const read = (name: string) => readFileSync(new URL(name, dir));
  const index = read('index.html');
  const assets = new Map(
    Object.entries(ASSETS).flatMap(([name, type]) => {
      try {
        return [[name, { body: read(name), type }] as const];
      } catch {
        return []; // an optional asset (favicon) may be absent
      }
    }),
  );

  const router = express.Router();
  router.get(PAGES, (_req, res) => {
    res.set(SECURITY_HEADERS).type('html').send(index);
  });
  router.get('/assets/:name', (req, res, next) => {
    const asset = assets.get(req.params.name);
    if (asset === undefined) return next();
    res.set(SECURITY_HEADERS).type(asset.type).send(asset.body);
  });
  return router;
}
