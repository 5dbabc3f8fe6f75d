import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

const APP_DIR = 'chat-history-mcp';
const DB_FILE = 'history.db';

/**
 * Where the embedded database lives when nothing is configured: the user's data
 * directory, by each platform's convention. Env and platform are parameters so the
 * rule can be tested for every OS on one machine.
 */
export function defaultDatabasePath(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  return join(dataDirectory(env, platform, home), APP_DIR, DB_FILE);
}

function dataDirectory(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, home: string): string {
  if (platform === 'win32') return env.APPDATA ?? join(home, 'AppData', 'Roaming');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support');
  // XDG says relative values are invalid and must be ignored.
  const xdg = env.XDG_DATA_HOME;
  return xdg && isAbsolute(xdg) ? xdg : join(home, '.local', 'share');
}
