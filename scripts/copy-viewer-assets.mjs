// Part of `npm run build`: tsc compiles src/ to dist/ but copies no other file; the web
// viewer's page and assets (src/viewer/assets) are served from dist/viewer/assets.
import { cpSync, rmSync } from 'node:fs';

rmSync('dist/viewer/assets', { recursive: true, force: true });
cpSync('src/viewer/assets', 'dist/viewer/assets', { recursive: true });
