/**
 * The largest request either transport reads: the HTTP body limit and the stdio line limit.
 * One append stores at most maxBatchBytes, but JSON escaping can grow it (a client that
 * escapes non-ASCII writes 6 bytes for a 2- or 3-byte character, a control character is 6
 * bytes whatever the client): twice the batch limit plus a MiB for the envelope admits every
 * append a reasonable client makes of stored text, and with the defaults (9 MiB) stays under
 * the 10 MiB line at which the SDK's stdio transport would otherwise close the session.
 * Anything larger is refused with an error that says so, on both transports.
 */
export function maxRequestBytes(maxBatchBytes: number): number {
  return 2 * maxBatchBytes + 1024 * 1024;
}
