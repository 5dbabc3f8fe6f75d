/**
 * Cuts a text into pieces whose token counts add up to the text's own, so that counting costs
 * time linear in its length.
 *
 * Why: BPE merges each pre-token (a run the encoding's split pattern keeps together: a word
 * with its leading space, a run of punctuation, of spaces …) in time quadratic in its length,
 * and one unbroken run is a single pre-token: 256 KiB of letters or CJK without a break took
 * 38 s, stalling every owner of the process.
 *
 * How: a run of at least RUN letters (or of at least RUN characters that are neither letters
 * nor digits) is cut into SLICE-character slices, each counted on its own: an estimate (about
 * one token more per slice than the exact count, often none), reported as such. Everything
 * else is cut into CHUNK-sized pieces only where the split pattern of o200k_base (and of
 * cl100k_base) always ends a pre-token — after a letter or digit, before a character that is
 * neither (except an apostrophe, which may start a contraction suffix such as 's) — so the
 * sum over the pieces is exact.
 */

/** Shortest run cut into slices (a real word is far shorter; a base64 blob is broken by its digits). */
export const RUN = 128;
/** Slice of a long run: BPE over 64 characters costs little, even for 3-byte CJK. */
export const SLICE = 64;
/** Largest piece of ordinary text counted in one call (a few ms of BPE at worst). */
export const CHUNK = 2048;

export interface Piece {
  text: string;
  /** false: a slice of a long run, whose count is an estimate. */
  exact: boolean;
}

const LONG_RUN = new RegExp(`[\\p{L}\\p{M}]{${RUN},}|[^\\p{L}\\p{N}\\p{M}]{${RUN},}`, 'gu');
const WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;

export function* pieces(text: string): Generator<Piece> {
  if (text.length < RUN) {
    if (text !== '') yield { text, exact: true };
    return;
  }
  let at = 0;
  for (const run of text.matchAll(LONG_RUN)) {
    yield* ordinary(text, at, run.index);
    const end = run.index + run[0].length;
    for (let i = run.index; i < end; ) {
      const sliceTo = Math.min(end, sliceEnd(text, i + SLICE));
      yield { text: text.slice(i, sliceTo), exact: false };
      i = sliceTo;
    }
    at = end;
  }
  yield* ordinary(text, at, text.length);
}

/** text[from, to) holds no long run: chunks ending where a pre-token always ends. */
function* ordinary(text: string, from: number, to: number): Generator<Piece> {
  let at = from;
  while (to - at > CHUNK) {
    const cut = safeCut(text, at + CHUNK / 2, at + CHUNK);
    if (cut === undefined) {
      // No word boundary in half a chunk: a long run of digits (split by 3 from its start,
      // which a cut would shift). Count it whole but mark the piece inexact to be honest.
      const end = sliceEnd(text, at + CHUNK);
      yield { text: text.slice(at, end), exact: false };
      at = end;
    } else {
      yield { text: text.slice(at, cut), exact: true };
      at = cut;
    }
  }
  if (to > at) yield { text: text.slice(at, to), exact: true };
}

/** The last position p in (min, max] after a letter/digit and before a non-letter, non-digit, non-apostrophe. */
function safeCut(text: string, min: number, max: number): number | undefined {
  for (let p = max; p > min; p--) {
    if (isLowSurrogate(text.charCodeAt(p)) || text[p] === "'" || isWordChar(text.codePointAt(p)!)) continue;
    const before = isLowSurrogate(text.charCodeAt(p - 1)) ? text.codePointAt(p - 2)! : text.charCodeAt(p - 1);
    if (isWordChar(before)) return p;
  }
  return undefined;
}

function isWordChar(codePoint: number): boolean {
  return WORD_CHAR.test(String.fromCodePoint(codePoint));
}

/** `at`, moved back one place if it would split a surrogate pair. */
function sliceEnd(text: string, at: number): number {
  return at < text.length && isLowSurrogate(text.charCodeAt(at)) ? at - 1 : at;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
