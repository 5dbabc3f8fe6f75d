/**
 * The figure of `npm run bench:load` that the goals table shows: one HTTP instance (SQLite),
 * 32 concurrent agents, appends/s ÷ pings/s. Read from bench/results/load-latest.json, only when
 * that file measured the same server root as this run (so a baseline report carries the
 * baseline build's figure, never the other build's).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESULTS, SERVER_ROOT } from './dist.js';

export interface LoadFigure {
  ratio: number;
  appends_per_s: number;
  pings_per_s: number;
  date: string;
}

/** The part of bench:load's JSON read here (bench/load/report.ts has the whole). */
interface LoadJson {
  date?: string;
  server_root?: string;
  results?: {
    config?: string;
    agents?: number;
    ratio_append_only?: number;
    phases?: { append?: { appends_per_s?: number }; ping?: { requests_per_s?: number } };
  }[];
}

export function readLoadFigure(): LoadFigure | null {
  const file = join(RESULTS, 'load-latest.json');
  if (!existsSync(file)) return null;
  try {
    const json = JSON.parse(readFileSync(file, 'utf8')) as LoadJson;
    if (json.server_root === undefined || !sameDir(json.server_root, SERVER_ROOT)) return null;
    const r = json.results?.find((x) => x.config === 'sqlite' && x.agents === 32);
    if (typeof r?.ratio_append_only !== 'number') return null;
    return {
      ratio: r.ratio_append_only,
      appends_per_s: r.phases?.append?.appends_per_s ?? 0,
      pings_per_s: r.phases?.ping?.requests_per_s ?? 0,
      date: json.date ?? '',
    };
  } catch {
    return null; // another layout, or a file being written: the table then points at bench:load
  }
}

const sameDir = (a: string, b: string) => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
