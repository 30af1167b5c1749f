import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { exchangeOf } from './exchange.js';

export const MAX_BODY_BYTES = 1024 * 1024;
/** Deeper JSON than this is refused before anything walks it recursively. */
export const MAX_JSON_DEPTH = 64;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Why a body could not be read; the message goes after `Bad Request. `. */
export class BodyError extends Error {
  /** The body as received, when it was read whole (for the request log). */
  constructor(message: string, readonly text?: string) {
    super(message);
  }
}

/** A JSON object body and the text it was parsed from. */
export interface JsonBody {
  body: Record<string, unknown>;
  text: string;
}

function isJsonType(header: string | undefined): boolean {
  if (!header) return false;
  const type = header.split(';', 1)[0]!.trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/** More values than any gateway request holds (100 items of a few fields): parsing is bounded whatever the shape. */
export const MAX_JSON_VALUES = 10_000;

/**
 * Why a JSON text is refused before it is parsed: nested deeper than `MAX_JSON_DEPTH` or holding more than
 * `MAX_JSON_VALUES` values (containers and commas counted, strings skipped, stopping early); null when neither.
 */
export function jsonShapeProblem(text: string): string | null {
  let depth = 0;
  let values = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) {
      inString = true;
    } else if (c === 123 || c === 91) {
      if (++depth > MAX_JSON_DEPTH) return `Body is nested deeper than ${MAX_JSON_DEPTH} levels`;
      if (++values > MAX_JSON_VALUES) break;
    } else if (c === 125 || c === 93) {
      depth--;
    } else if (c === 44 && ++values > MAX_JSON_VALUES) {
      break;
    }
  }
  return values > MAX_JSON_VALUES ? `Body holds more than ${MAX_JSON_VALUES} JSON values` : null;
}

/**
 * Reads a JSON object body: Content-Type must be JSON, at most 1 MB (checked before and while reading),
 * UTF-8, well-formed, not absurdly deep, and an object. Every failure is a BodyError with a plain reason.
 */
function readJsonObject(req: IncomingMessage): Promise<JsonBody> {
  return new Promise((resolve, reject) => {
    const fail = (reason: string) => {
      req.removeAllListeners('data');
      req.resume();
      reject(new BodyError(reason));
    };
    if (!isJsonType(req.headers['content-type'])) return fail('Content-Type must be application/json');
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) return fail('Body is larger than 1 MB');
    const charset = /charset=([^;]+)/i.exec(req.headers['content-type'] ?? '')?.[1]?.trim().toLowerCase();
    if (charset && charset !== 'utf-8' && charset !== 'utf8') return fail('Charset is not supported; send UTF-8 JSON');
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) return fail('Body is larger than 1 MB');
      chunks.push(chunk);
    });
    req.on('aborted', () => reject(new BodyError('Body was cut off before its end')));
    req.on('error', () => reject(new BodyError('Body could not be read')));
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) return;
      let text: string;
      try {
        text = utf8.decode(Buffer.concat(chunks, size));
      } catch {
        return reject(new BodyError('Body is not valid UTF-8'));
      }
      const shape = jsonShapeProblem(text);
      if (shape) return reject(new BodyError(shape, text));
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return reject(new BodyError('Body is not valid JSON', text));
      }
      if (body === null || typeof body !== 'object' || Array.isArray(body)) return reject(new BodyError('Body must be a JSON object', text));
      resolve({ body: body as Record<string, unknown>, text });
    });
  });
}

/** Middleware: the JSON object body onto the exchange (`body`, and `bodyText` for the request log), or a BodyError. */
export function jsonBody(req: Request, res: Response, next: NextFunction): void {
  readJsonObject(req).then(({ body, text }) => {
    const ex = exchangeOf(res);
    ex.body = body;
    ex.bodyText = text;
    next();
  }, next);
}
