import { open, rename, stat, truncate, unlink, type FileHandle } from 'node:fs/promises';
import { LineError, readLines, writeAll } from './lines.js';
import { recordProblem, upgradeTransaction } from './records.js';

/** One change, as a journal line: the whole record as it is now (replaying keeps the last one), or a reset. */
export type JournalEntry =
  | { t: 'tx'; v: unknown }
  | { t: 'cb'; v: unknown }
  | { t: 'cr'; v: unknown }
  | { t: 'clock'; v: unknown }
  /** Forgets every record (of merchant `m`, when given) written before it. */
  | { t: 'reset'; m?: string };

type Line = JournalEntry | { t: 'gen'; v: number; id?: string };

const KIND = { tx: 'transaction', cb: 'delivery', cr: 'customerRecord', clock: 'clock' } as const;

/** What opening a journal found beside its snapshot. */
interface JournalHead {
  /** The snapshot generation the journal was started after; undefined for an empty file or none. */
  generation?: number;
  /** The id of the data file it belongs to (absent in journals older than ids). */
  id?: string;
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
      const header = first?.t === 'gen' && Number.isInteger(first.v) ? first : undefined;
      return { ...(header ? { generation: header.v } : {}), ...(typeof header?.id === 'string' ? { id: header.id } : {}), bytes: size };
    }
    return { bytes: size };
  }

  /**
   * Calls `apply` with every entry, in order; throws a one-line reason for anything but a torn last line,
   * which is reported as its byte count (and cut off, once `keep()` is called).
   */
  async read(apply: (entry: JournalEntry) => void, { legacy, from = 0 }: { legacy: boolean; from?: number }): Promise<{ tornBytes: number }> {
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
        // Lines up to `from` are already in the snapshot (a fold that wrote it but did not start the journal afresh).
        const folded = line.end <= from && line.number > 1;
        const entry = parse(line.text);
        // Format 1 kept the parsed body; it becomes text before the record is checked.
        if (legacy && entry?.t === 'tx') upgradeTransaction(entry.v);
        if (line.number === 1 && !legacy && entry?.t !== 'gen') throw new LineError('line 1 is not the journal\'s generation header');
        const problem = entryProblem(entry, line.number);
        if (problem) throw new LineError(`line ${line.number} ${problem}`);
        if (entry!.t === 'gen' || folded) continue;
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
      this.handle ??= await open(this.path, 'a');
      await writeAll(this.handle, data);
    } catch (err) {
      await this.undo();
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
   * Starts the journal afresh after snapshot `generation`, keeping what was appended past byte `from` (while
   * the snapshot was written): a temp file with the new header and that tail, renamed over the journal. A
   * crash before the rename leaves the old journal, which the snapshot names as folded in up to `from`.
   */
  async rebase(generation: number, from: number, id: string): Promise<void> {
    await this.close();
    const temp = `${this.path}.tmp`;
    const header = Buffer.from(`${JSON.stringify({ t: 'gen', v: generation, id })}\n`);
    const tail = await readRange(this.path, from, this.bytes);
    const handle = await open(temp, 'w');
    try {
      await writeAll(handle, Buffer.concat([header, tail]));
      await handle.close();
      await rename(temp, this.path);
    } catch (err) {
      await handle.close().catch(() => {});
      await unlink(temp).catch(() => {});
      throw err;
    }
    this.generation = generation;
    this.lines = countLines(tail);
    this.bytes = header.length + tail.length;
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
    case 'cr':
    case 'clock': {
      const problem = recordProblem(KIND[entry.t], entry.v);
      return problem === null ? null : `holds a ${KIND[entry.t]} that ${problem}`;
    }
    default:
      return 'is not a journal entry';
  }
}

/** Bytes `from` to `to` of a file; none when it does not exist. */
async function readRange(path: string, from: number, to: number): Promise<Buffer> {
  if (to <= from) return Buffer.alloc(0);
  const handle = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (!handle) return Buffer.alloc(0);
  try {
    const buffer = Buffer.alloc(to - from);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, from);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function countLines(bytes: Buffer): number {
  let lines = 0;
  for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) lines++;
  return lines;
}
