import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { errorBody } from '../gateway/exchange.js';
import { GatewayError, RESPONSE_CODES } from '../gateway/response-codes.js';
import type { HttpTimeouts } from './timeouts.js';
import { realMonotonicNow, setRealTimeout } from '../support/real-time.js';

interface Answer {
  status: number;
  responseCode: string;
  message: string;
}

// How long a refused client may still read the answer before the connection is dropped (an immediate close could reset it unread).
const LINGER_MS = 500;

/** Answers other than 400 for what Node's parser and request timers refuse (`responseCode` = status + `0000`, as the gateway's). */
function answerTable(timeouts: HttpTimeouts): Record<string, Answer> {
  return {
    HPE_HEADER_OVERFLOW: { status: 431, responseCode: '4310000', message: 'Request Header Fields Too Large. Send at most 16 KB of headers' },
    HPE_CHUNK_EXTENSIONS_OVERFLOW: { status: 413, responseCode: '4130000', message: 'Payload Too Large. Chunk extensions are longer than 16 KB' },
    ERR_HTTP_REQUEST_TIMEOUT: {
      status: 408, responseCode: '4080000',
      message: `Request Timeout. Headers must arrive within ${timeouts.headersMs / 1000} s and the whole request within ${timeouts.requestMs / 1000} s`,
    },
  };
}

/** The answer to a parse error or timeout; none for a failing socket (a reset, a broken pipe). */
function answerFor(err: NodeJS.ErrnoException & { reason?: unknown }, answers: Record<string, Answer>): Answer | undefined {
  const code = err.code ?? '';
  if (answers[code]) return answers[code];
  if (!code.startsWith('HPE_')) return undefined;
  const reason = typeof err.reason === 'string' ? err.reason : err.message.replace(/^Parse Error: /, '');
  return { status: 400, responseCode: RESPONSE_CODES.badRequest.code, message: `${RESPONSE_CODES.badRequest.message}. Malformed HTTP: ${reason}` };
}

function rawResponse(status: number, body: Record<string, unknown>): string {
  const text = JSON.stringify(body);
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`;
}

/**
 * Malformed requests and clients too slow to send theirs get a gateway-format error instead of Node's bare
 * `400` (or nothing), whenever no answer has started on the connection yet; then the connection is closed.
 */
export function answerClientErrors(server: Server, timeouts: HttpTimeouts, traceId: () => string): void {
  const answers = answerTable(timeouts);
  const answering = new WeakMap<Socket, ServerResponse>();
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    answering.set(req.socket, res);
    res.once('finish', () => {
      if (answering.get(req.socket) === res) answering.delete(req.socket);
    });
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    const answer = answerFor(err, answers);
    if (!answer || !socket.writable || answering.get(socket)?.headersSent) return void socket.destroy();
    const error = new GatewayError(answer.responseCode, answer.message, undefined, answer.status);
    socket.end(rawResponse(answer.status, errorBody(error, realMonotonicNow(), traceId())));
    setRealTimeout(() => socket.destroy(), LINGER_MS).unref();
  });
}
