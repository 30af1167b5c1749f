import { open, stat, truncate, type FileHandle } from 'node:fs/promises';
import { LineError, readLines, writeAll } from './lines.js';
import { recordProblem, upgradeTransaction } from './records.js';

/** One change, as a journal line: the whole record as it is now (replaying keeps the last one), or a reset. */
export type JournalEntry =
  | { t: 'tx'; v: unknown }
  | { t: 'cb'; v: unknown }
  | { t: 'clock'; v: unknown }
  /** Forgets every record (of merchant `m`, when given) written before it. */
  | { t: 'reset'; m?: string };

type Line = JournalEntry | { t: 'gen'; v: number };

const KIND = { tx: 'transaction', cb: 'delivery', clock: 'clock' } as const;

/** What opening a journal found beside its snapshot. */
export interface JournalHead {
  /** The snapshot generation the journal was started after; undefined for an empty file or none. */
  generation?: number;
  bytes: number;
}

/** A failed or short append: nothing of it was kept, and the journal ends where it did before. */
export class JournalWriteError extends Error {}

/**
 * The append-only side of the data file (`<db>.journal`): each group commit appends the records it
 * changed, one JSON line each, so the cost of a write does not grow with the number stored. It is read
 * line by line, so a journal of any size loads; only a line cut off by a crash (the last, with no `\n`)
 * may be dropped.
 */
export class Journal {
  private handle: FileHandle | null = null;
  /** Lines and bytes written since the last snapshot. */
  lines = 0;
  bytes = 0;
  /** The generation of the snapshot it follows. */
  generation = 0;
  /** Set when a fold wrote its snapshot but could not start the journal afresh: no append lands before it does. */
  private restartDue: number | null = null;

  constructor(readonly path: string) {}

  /** The header and size of the file, without reading its entries; `bytes` 0 when there is none. */
  async head(): Promise<JournalHead> {
    let size: number;
    try {
      size = (await stat(this.path)).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { bytes: 0 };
      throw err;
    }
    for await (const line of readLines(this.path)) {
      const first = parse(line.text);
      return { ...(first?.t === 'gen' && Number.isInteger(first.v) ? { generation: first.v } : {}), bytes: size };
    }
    return { bytes: size };
  }

  /**
   * Calls `apply` with every entry, in order; throws a one-line reason for anything but a torn last line,
   * which is reported as its byte count (and cut off, once `keep()` is called).
   */
  async read(apply: (entry: JournalEntry) => void, { legacy }: { legacy: boolean }): Promise<{ tornBytes: number }> {
    let tornBytes = 0;
    let lines = 0;
    let end = 0;
    try {
      for await (const line of readLines(this.path)) {
        if (!line.terminated) {
          tornBytes = Buffer.byteLength(line.text);
          break;
        }
        end = line.end;
        if (line.text === '') continue;
        const entry = parse(line.text);
        // Format 1 kept the parsed body; it becomes text before the record is checked.
        if (legacy && entry?.t === 'tx') upgradeTransaction(entry.v);
        if (line.number === 1 && !legacy && entry?.t !== 'gen') throw new LineError('line 1 is not the journal\'s generation header');
        const problem = entryProblem(entry, line.number);
        if (problem) throw new LineError(`line ${line.number} ${problem}`);
        if (entry!.t === 'gen') continue;
        apply(entry as JournalEntry);
        lines++;
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { tornBytes: 0 };
      throw err;
    }
    this.lines = lines;
    this.bytes = end;
    return { tornBytes };
  }

  /** Cuts a torn last line off, so the next append starts on a clean line. */
  async dropTornTail(): Promise<void> {
    await truncate(this.path, this.bytes);
  }

  /**
   * Appends entries as whole lines; a write that fails or is cut short is undone (the file is cut back to
   * where it was), so no torn line is ever left behind an acknowledged one.
   */
  async append(entries: readonly JournalEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const data = Buffer.from(`${entries.map((e) => JSON.stringify(e)).join('\n')}\n`);
    try {
      if (this.restartDue !== null) await this.restart(this.restartDue);
      this.handle ??= await open(this.path, 'a');
      await writeAll(this.handle, data);
    } catch (err) {
      // A journal being started afresh is rewritten whole by the next try; only a partial append is cut back.
      if (this.restartDue === null) await this.undo();
      throw new JournalWriteError(`${this.path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    this.lines += entries.length;
    this.bytes += data.length;
  }

  private async undo(): Promise<void> {
    try {
      if (this.handle) await this.handle.truncate(this.bytes);
      else await truncate(this.path, this.bytes);
    } catch {
      // The next append starts by cutting the file back again.
      await this.close().catch(() => {});
    }
  }

  /**
   * Starts the journal afresh after snapshot `generation`: a journal whose header names an older snapshot
   * (a crash between the two writes) is recognised as already folded in.
   */
  async restart(generation: number): Promise<void> {
    this.restartDue = generation;
    await this.close();
    const header = `${JSON.stringify({ t: 'gen', v: generation })}\n`;
    const handle = await open(this.path, 'w');
    try {
      await writeAll(handle, Buffer.from(header));
    } finally {
      await handle.close();
    }
    this.restartDue = null;
    this.generation = generation;
    this.lines = 0;
    this.bytes = Buffer.byteLength(header);
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    await handle?.close();
  }
}

function parse(text: string): Line | undefined {
  try {
    return JSON.parse(text) as Line;
  } catch {
    return undefined;
  }
}

/** Null when the line is an entry replay can apply. */
function entryProblem(entry: Line | undefined, number: number): string | null {
  if (entry === undefined) return 'is not valid JSON (corrupt?)';
  if (entry === null || typeof entry !== 'object') return 'is not a journal entry';
  switch (entry.t) {
    case 'gen':
      return number === 1 && Number.isInteger(entry.v) ? null : 'is a generation header out of place';
    case 'reset':
      return entry.m === undefined || typeof entry.m === 'string' ? null : 'is a reset with a malformed merchant';
    case 'tx':
    case 'cb':
    case 'clock': {
      const problem = recordProblem(KIND[entry.t], entry.v);
      return problem === null ? null : `holds a ${KIND[entry.t]} that ${problem}`;
    }
    default:
      return 'is not a journal entry';
  }
}
