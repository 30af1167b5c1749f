import { open, readFile, type FileHandle } from 'node:fs/promises';

/** One change, as a journal line: the whole record as it is now (replaying keeps the last one). */
export type JournalEntry =
  | { t: 'tx'; v: unknown }
  | { t: 'cb'; v: unknown }
  | { t: 'clock'; v: unknown };

/**
 * The append-only side of the data file (`<db>.journal`): each group commit appends the records it
 * changed, one JSON line each, so the cost of a write does not grow with the number stored. A line torn
 * by a crash (kill -9 in the middle of an append) is the last one and is ignored on load.
 */
export class Journal {
  private handle: FileHandle | null = null;
  /** Lines written since the last snapshot. */
  lines = 0;

  constructor(readonly path: string) {}

  /** Every complete entry in the file; throws only if a line other than the last is unreadable. */
  async read(): Promise<JournalEntry[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const lines = text.split('\n');
    const entries: JournalEntry[] = [];
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line === '') continue;
      try {
        entries.push(JSON.parse(line) as JournalEntry);
      } catch {
        if (i >= lines.length - 2) break;
        throw new Error(`journal ${this.path} line ${i + 1} is unreadable`);
      }
    }
    this.lines = entries.length;
    return entries;
  }

  async append(entries: JournalEntry[]): Promise<void> {
    if (entries.length === 0) return;
    this.handle ??= await open(this.path, 'a');
    await this.handle.write(`${entries.map((e) => JSON.stringify(e)).join('\n')}\n`);
    this.lines += entries.length;
  }

  /** Empties the journal once a snapshot holds everything in it. */
  async clear(): Promise<void> {
    await this.close();
    const handle = await open(this.path, 'w');
    await handle.close();
    this.lines = 0;
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    await handle?.close();
  }
}
