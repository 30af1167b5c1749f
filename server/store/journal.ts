import { open, readFile, type FileHandle } from 'node:fs/promises';

/** One change, as a journal line: the whole record as it is now (replaying keeps the last one). */
export type JournalEntry =
  | { t: 'tx'; v: unknown }
  | { t: 'cb'; v: unknown }
  | { t: 'clock'; v: unknown };

/** What a journal holds: its entries, the snapshot generation it follows, and whether its last line was torn. */
export interface JournalContent {
  entries: JournalEntry[];
  /** The snapshot generation the journal was started after (absent in journals older than the header). */
  generation?: number;
  torn: boolean;
}

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
  async read(): Promise<JournalContent> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], torn: false };
      throw err;
    }
    const lines = text.split('\n');
    const content: JournalContent = { entries: [], torn: false };
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line === '') continue;
      let entry: JournalEntry | { t: 'gen'; v: number };
      try {
        entry = JSON.parse(line) as JournalEntry | { t: 'gen'; v: number };
      } catch {
        if (i < lines.length - 2) throw new Error(`journal ${this.path} line ${i + 1} is unreadable`);
        content.torn = true;
        break;
      }
      if (entry.t === 'gen') content.generation = entry.v;
      else content.entries.push(entry);
    }
    this.lines = content.entries.length;
    return content;
  }

  async append(entries: JournalEntry[]): Promise<void> {
    if (entries.length === 0) return;
    this.handle ??= await open(this.path, 'a');
    await this.handle.write(`${entries.map((e) => JSON.stringify(e)).join('\n')}\n`);
    this.lines += entries.length;
  }

  /**
   * Starts the journal afresh after snapshot `generation`: a journal whose header names an older snapshot
   * (a crash between the two writes) is stale and is not replayed.
   */
  async restart(generation: number): Promise<void> {
    await this.close();
    const handle = await open(this.path, 'w');
    await handle.write(`${JSON.stringify({ t: 'gen', v: generation })}\n`);
    await handle.close();
    this.lines = 0;
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    await handle?.close();
  }
}
