/**
 * The value of X-Chat-History-Owner as text. HTTP header values are bytes, and Node hands them
 * over as Latin-1 (one character per byte), so `josé` sent as UTF-8 arrives as `josÃ©`: read
 * as it is, a service token naming josé would reach another owner than the token
 * `token create --owner josé` made. The header is therefore read in one of two forms:
 * - the owner's UTF-8 bytes as they are (what curl, Python and Node's http.request send for
 *   a UTF-8 string or bytes); bytes that are not valid UTF-8 are refused;
 * - percent-encoded UTF-8 after the RFC 8187 prefix `UTF-8''`, e.g. `UTF-8''jos%C3%A9`
 *   (`"UTF-8''" + encodeURIComponent(owner)`): for fetch() and the clients built on it, which
 *   cannot send characters above U+00FF and send the others as Latin-1, not UTF-8.
 * An ASCII owner name needs neither; one that itself starts with `UTF-8''` is sent encoded.
 */

const ENCODED = /^utf-8''/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });

const HOW =
  "send the owner name as UTF-8 bytes, or percent-encoded after the prefix UTF-8'' " +
  "(e.g. UTF-8''jos%C3%A9 for josé: \"UTF-8''\" + encodeURIComponent(owner))";

export function decodeOwnerHeader(raw: string): { owner: string } | { error: string } {
  const bytes = ENCODED.test(raw) ? percentDecoded(raw.slice("UTF-8''".length)) : Buffer.from(raw, 'latin1');
  if (bytes === undefined) return { error: `malformed percent-encoding after UTF-8'': ${HOW}` };
  try {
    return { owner: utf8.decode(bytes) };
  } catch {
    return { error: `the value is not valid UTF-8: ${HOW}` };
  }
}

/** `%XX` escapes to bytes, other (ASCII) characters as themselves; undefined if malformed. */
function percentDecoded(text: string): Buffer | undefined {
  if (!/^(?:[\x21-\x24\x26-\x7e]|%[0-9A-Fa-f]{2})*$/.test(text)) return undefined;
  return Buffer.from(
    text.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    'latin1',
  );
}
