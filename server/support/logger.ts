import { pino } from 'pino';
import { realNow, setRealTimeout } from './real-time.js';

export const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `human`: one readable line per event; `json`: one JSON object per line, for CI log collectors. */
export const LOG_FORMATS = ['human', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Facts of an event a JSON line carries beside its message (the human line says them in its text). */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  error(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  /** Whether lines of `level` are written: a line that costs work to build is built only then. */
  enabled(level: Exclude<LogLevel, 'silent'>): boolean;
}

/** A logger that may still hold lines on their way out. */
export interface FlushingLogger extends Logger {
  /** Resolves once the lines logged so far are written (or cannot be), at most `withinMs` later. */
  flush(withinMs?: number): Promise<void>;
}

export interface LoggerOptions {
  format?: LogFormat;
  /** Takes each line, newline included; default: stderr, written without blocking the server. */
  write?: (line: string) => void;
}

// Lines a stalled reader has not taken yet are kept up to this much, then dropped: a log never fills the memory.
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/** stderr, written off the event loop; a closed pipe or a full disk loses lines but never throws. */
function stderrOutput(): { write(line: string): void; flush(withinMs: number): Promise<void> } {
  const dest = pino.destination({ dest: 2, sync: false, maxLength: MAX_BUFFERED_BYTES });
  // 'drain' comes once everything handed over is written; a destination that failed has nothing more to give.
  let pending = false;
  let closed = false;
  dest.on('drain', () => (pending = false));
  dest.on('error', (err: NodeJS.ErrnoException) => {
    pending = false;
    // A closed pipe never opens again: later lines are not even buffered.
    if (err.code === 'EPIPE') closed = true;
  });
  return {
    write(line) {
      if (closed) return;
      pending = true;
      dest.write(line);
    },
    flush: (withinMs) => new Promise<void>((resolve) => {
      if (!pending) return resolve();
      setRealTimeout(resolve, withinMs).unref();
      dest.once('drain', resolve);
    }),
  };
}

/**
 * One line per event on stderr (stdout stays for the start-up banner); never pass secrets in.
 * A write function is taken as `{ write }`, as tests hand one in.
 */
export function createLogger(level: LogLevel, options: LoggerOptions | LoggerOptions['write'] = {}): FlushingLogger {
  const { format = 'human', write } = typeof options === 'function' ? { write: options } : options;
  const out = write ? { write, flush: () => Promise.resolve() } : stderrOutput();
  const flush = (withinMs = 1000) => out.flush(withinMs);
  const rank = LOG_LEVELS.indexOf(level);
  const enabled = (lvl: LogLevel) => LOG_LEVELS.indexOf(lvl) <= rank;
  if (format === 'json') {
    const json = pino({
      level, base: null, timestamp: () => `,"time":"${new Date(realNow()).toISOString()}"`, formatters: { level: (label) => ({ level: label }) },
    }, out);
    const at = (lvl: Exclude<LogLevel, 'silent'>) => (message: string, fields?: LogFields) => (fields ? json[lvl](fields, message) : json[lvl](message));
    return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'), enabled, flush };
  }
  const at = (lvl: LogLevel) => (message: string) => {
    if (enabled(lvl)) out.write(`${new Date(realNow()).toISOString()} ${lvl.padEnd(5)} ${message}\n`);
  };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'), enabled, flush };
}
