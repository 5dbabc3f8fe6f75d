import type { IncomingMessage, Server } from 'node:http';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { RequestHandler, Response } from 'express';
import { sendJsonRpcError } from './http-errors.js';

/**
 * The JSON body of a POST /mcp, read with a hard bound. Written here rather than taken from
 * express.json(): body-parser reads a refused body to its end before answering (to keep the
 * connection reusable), so a client declaring 100 MiB was read for 100 MiB before its 413,
 * and a chunked body that never ends was read until the request timeout. Here:
 * - a declared Content-Length over the limit is answered 413 before one byte is read;
 * - a body without one (chunked) is answered 413 as soon as more than the limit has arrived;
 * - every refusal of an unread body closes the connection (see sendJsonRpcError), so the
 *   client stops sending instead of having the rest read and thrown away;
 * - a client that sent `Expect: 100-continue` is told to continue only here, after the
 *   token and the declared size were accepted: a refused client never sends its body.
 * gzip, deflate and br bodies are decoded, and the limit applies to the decoded bytes.
 */
export function jsonBody(maxBodyBytes: number): RequestHandler {
  const tooLarge = (res: Response) =>
    sendJsonRpcError(
      res,
      413,
      `request body too large: this server reads at most ${maxBodyBytes} bytes per request ` +
        '(2 × --max-batch-bytes + 1 MiB): append fewer or smaller messages per call',
    );

  return (req, res, next) => {
    // null: no body at all, which the JSON parse below answers (400, parse error).
    if (req.is('application/json') === false) {
      sendJsonRpcError(res, 415, 'unsupported media type: send the JSON-RPC message as Content-Type: application/json');
      return;
    }
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      sendJsonRpcError(res, 415, `unsupported charset "${charset}": send the body as UTF-8`);
      return;
    }
    if (Number(req.headers['content-length'] ?? 0) > maxBodyBytes) return tooLarge(res);
    const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    const decode = DECODERS[encoding];
    if (decode === undefined) {
      sendJsonRpcError(
        res,
        415,
        `unsupported content encoding "${encoding}": send the body as identity, gzip, deflate or br`,
      );
      return;
    }
    if (/^100-continue$/i.test(req.headers.expect ?? '')) res.writeContinue();

    readBounded(req, decode, maxBodyBytes).then(
      (read) => {
        if (read === 'too-large') return tooLarge(res);
        if (read === 'undecodable')
          return sendJsonRpcError(res, 400, `bad request: the body is not valid ${encoding} data`);
        if (read === 'gone') return; // the client went away: there is no one to answer
        try {
          req.body = JSON.parse(read.toString('utf8')) as unknown;
        } catch {
          return sendJsonRpcError(res, 400, 'parse error: the body is not valid JSON', -32700);
        }
        next();
      },
      (err: unknown) => next(err),
    );
  };
}

/**
 * Hand `Expect: 100-continue` requests to the app like any other, instead of Node's default
 * of answering 100 at once: jsonBody sends it when the body is wanted (see above).
 */
export function continueOnlyWhenRead(server: Server): void {
  server.on('checkContinue', (req: IncomingMessage, res) => server.emit('request', req, res));
}

const DECODERS: Record<string, (() => NodeJS.ReadWriteStream) | null> = {
  identity: null,
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/** The (decoded) body, or why there is none; stops reading the moment it passes `limit`. */
function readBounded(
  req: IncomingMessage,
  decode: (() => NodeJS.ReadWriteStream) | null,
  limit: number,
): Promise<Buffer | 'too-large' | 'undecodable' | 'gone'> {
  return new Promise((resolve) => {
    const source: Readable = decode === null ? req : (req.pipe(decode()) as unknown as Readable);
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (result: Buffer | 'too-large' | 'undecodable' | 'gone') => {
      source.removeListener('data', onData);
      source.removeListener('end', onEnd);
      source.removeListener('error', onError);
      req.removeListener('close', onClose);
      if (source !== req) {
        req.unpipe(source as unknown as NodeJS.WritableStream);
        source.on('error', () => undefined);
        source.destroy();
      }
      // Read nothing more: the refusal closes the connection once it is written.
      if (typeof result === 'string') req.pause();
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) finish('too-large');
      else chunks.push(chunk);
    };
    const onEnd = () => finish(Buffer.concat(chunks, received));
    const onError = () => finish(source === req ? 'gone' : 'undecodable');
    const onClose = () => {
      if (!req.complete) finish('gone');
    };
    source.on('data', onData);
    source.once('end', onEnd);
    source.once('error', onError);
    req.once('close', onClose);
  });
}
