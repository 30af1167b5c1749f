import { open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';
import type { Delivery } from '../model/delivery.js';
import type { ClockState } from '../model/clock.js';
import type { CustomerRecord } from '../model/customer-record.js';
import type { StoredTransaction } from '../model/transaction.js';
import { LineError, readLines, writeAll } from './lines.js';
import { recordProblem } from './records.js';

export const FORMAT = 'finnet-mock';
/** 4: customer records after the deliveries; 3: one record a line; 2: one JSON text; 1: parsed initiate bodies. */
export const FORMAT_VERSION = 4;

/** The journal a snapshot folded in: a journal beside it with exactly this is left over from a crash mid-fold. */
interface Folded {
  generation: number;
  bytes: number;
}

/** The whole data file. */
export interface DataShape {
  format: typeof FORMAT;
  version: number;
  /** Counts snapshots, so the journal beside the file is known to belong to it. */
  generation: number;
  /** Made when the file is created and kept: a journal names it, so one from another data file is refused. */
  id?: string;
  folded?: Folded;
  clock: ClockState;
  transactions: StoredTransaction[];
  deliveries: Delivery[];
  /** Saved cards, subscriptions and open VAs (format 4; none before). */
  customerRecords: CustomerRecord[];
}

export class StoreError extends Error {}

/** The record lists of the file, in the order they are written. */
export const SECTIONS = ['transactions', 'deliveries', 'customerRecords'] as const;
export type RecordSection = (typeof SECTIONS)[number];
const KIND = { transactions: 'transaction', deliveries: 'delivery', customerRecords: 'customerRecord' } as const;
const OPEN = ',"transactions":[';
// The line that ends the list before a section and opens it.
const opening = (section: RecordSection) => `],${JSON.stringify(section)}:[`;
const CLOSE = ']}';

type Sections = Pick<DataShape, RecordSection>;

export function emptySections(): Sections {
  return { transactions: [], deliveries: [], customerRecords: [] };
}

export function emptyData(): DataShape {
  return { format: FORMAT, version: FORMAT_VERSION, generation: 0, ...emptySections(), clock: { offsetMs: 0, frozenAt: null } };
}

/** Why a data file is refused, in one line that says what to do. */
export function refusal(file: string, problem: string): StoreError {
  return new StoreError(`data file ${file} cannot be used: ${problem}. It was left untouched; move it away or pass another --db.`);
}

function headerProblem(header: unknown): string | null {
  if (header === null || typeof header !== 'object') return 'it is not a finnet-mock data file';
  const h = header as Partial<DataShape>;
  if (h.format !== FORMAT) return `it is not a finnet-mock data file (no "format": "${FORMAT}")`;
  if (typeof h.version !== 'number' || h.version < 1) return 'its "version" is missing';
  if (h.version > FORMAT_VERSION) return `it was written by a newer finnet-mock (format version ${h.version})`;
  if (h.generation !== undefined && (!Number.isInteger(h.generation) || h.generation < 0)) return 'its "generation" is not a whole number';
  const clock = recordProblem('clock', h.clock);
  return clock === null ? null : `its clock ${clock}`;
}

/** The file as one JSON text (format 1 and 2), checked record by record like the line form. */
async function readWhole(file: string): Promise<DataShape> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw refusal(file, err instanceof SyntaxError ? 'it is not valid JSON (corrupt?)' : (err as Error).message);
  }
  const problem = headerProblem(data);
  if (problem) throw refusal(file, problem);
  const d = data as DataShape;
  // Files before format 4 have no customer records.
  d.customerRecords ??= [];
  for (const section of SECTIONS) {
    if (!Array.isArray(d[section])) throw refusal(file, `its "${section}" is not a list`);
    // Format 1 kept the parsed body; the upgrade turns it into text before the records are checked.
    if (section === 'transactions' && d.version < 2) continue;
    d[section].forEach((record, i) => {
      const wrong = recordProblem(KIND[section], record);
      if (wrong) throw refusal(file, `${section}[${i}] ${wrong}`);
    });
  }
  d.generation ??= 0;
  return d;
}

/**
 * Reads the snapshot line by line, calling `visit` with each record's text; a file in the older one-text
 * form is parsed whole instead (`visit` then gets each record re-serialised). Throws StoreError, naming
 * the line, when the file is not a complete snapshot.
 */
async function visitSnapshot(file: string, visit: (section: RecordSection, text: string, line: number) => void): Promise<DataShape | null> {
  let header: DataShape | undefined;
  let at = 0;
  let closed = false;
  try {
    for await (const line of readLines(file)) {
      if (!header) {
        if (!line.text.endsWith(OPEN)) {
          const whole = await readWhole(file);
          for (const s of SECTIONS) for (const r of whole[s]) visit(s, JSON.stringify(r), 0);
          return { ...whole, ...emptySections() };
        }
        let parsed: unknown;
        try {
          parsed = JSON.parse(`${line.text.slice(0, -OPEN.length)}}`);
        } catch {
          throw refusal(file, 'its first line is not valid JSON (corrupt?)');
        }
        const problem = headerProblem(parsed);
        if (problem) throw refusal(file, problem);
        header = { ...(parsed as DataShape), ...emptySections() };
        header.generation ??= 0;
      } else if (closed) {
        if (line.text !== '') throw refusal(file, `line ${line.number} comes after the end of the data`);
      } else if (at < SECTIONS.length - 1 && line.text === opening(SECTIONS[at + 1]!)) {
        at++;
      } else if (line.text === CLOSE && at >= lastSection(header.version)) {
        closed = true;
      } else {
        visit(SECTIONS[at]!, line.text.endsWith(',') ? line.text.slice(0, -1) : line.text, line.number);
      }
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    if (err instanceof LineError) throw refusal(file, err.message);
    throw err;
  }
  if (!header) return null;
  if (!closed) throw refusal(file, 'it ends before its last record (cut off?)');
  return header;
}

// Format 3 ends after the deliveries.
function lastSection(version: number): number {
  return version < 4 ? SECTIONS.indexOf('deliveries') : SECTIONS.length - 1;
}

/** Every record of the snapshot, checked; null when there is no file. */
async function readSnapshot(file: string): Promise<DataShape | null> {
  const records = emptySections() as Record<RecordSection, unknown[]>;
  let legacy = false;
  const header = await visitSnapshot(file, (section, text, line) => {
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch {
      throw refusal(file, `line ${line} is not valid JSON (corrupt?)`);
    }
    legacy = line === 0;
    if (!legacy) {
      const wrong = recordProblem(KIND[section], record);
      if (wrong) throw refusal(file, `line ${line}: the ${KIND[section]} ${wrong}`);
    }
    records[section].push(record);
  });
  if (!header) return null;
  return { ...header, ...(records as Sections) };
}

/**
 * The records of the snapshot whose text contains one of `needles` (a cheap filter), parsed: what a
 * failed write rolls back to is found without parsing the whole file at once.
 */
export async function findInSnapshot(file: string, needles: readonly string[]): Promise<Record<RecordSection, unknown[]>> {
  const found = emptySections() as Record<RecordSection, unknown[]>;
  await visitSnapshot(file, (section, text) => {
    if (needles.some((n) => text.includes(n))) found[section].push(JSON.parse(text));
  });
  return found;
}

/** The snapshot's lines: a header, then one record a line, so readers never hold the whole file as one string. */
function* snapshotLines(data: DataShape): Generator<string> {
  const { transactions, deliveries, customerRecords, ...header } = data;
  const lists = { transactions, deliveries, customerRecords };
  yield `${JSON.stringify(header).slice(0, -1)}${OPEN}\n`;
  // The lists as they are now: a reset during the write replaces them, and its journal line follows this snapshot.
  for (const [i, section] of SECTIONS.entries()) {
    const records: readonly unknown[] = lists[section];
    for (let j = 0; j < records.length; j++) yield `${JSON.stringify(records[j])}${j < records.length - 1 ? ',' : ''}\n`;
    yield `${i < SECTIONS.length - 1 ? opening(SECTIONS[i + 1]!) : CLOSE}\n`;
  }
}

// Lines are written in pieces of about this size, so a snapshot never exists in memory whole.
const WRITE_PIECE = 1 << 20;

/** lowdb's adapter for the snapshot: read line by line, written in pieces to a temp file that is then renamed over it. */
export class SnapshotFile implements Adapter<DataShape> {
  constructor(readonly path: string) {}

  read(): Promise<DataShape | null> {
    return readSnapshot(this.path);
  }

  async write(data: DataShape): Promise<void> {
    await this.install(await this.writeTemp(data));
  }

  /** Writes the snapshot beside the file, in pieces, and returns where: nothing is replaced until `install`. */
  async writeTemp(data: DataShape): Promise<string> {
    const temp = join(dirname(this.path), `.${basename(this.path)}.tmp`);
    const handle = await open(temp, 'w');
    try {
      let piece: string[] = [];
      let size = 0;
      for (const line of snapshotLines(data)) {
        piece.push(line);
        size += line.length;
        if (size < WRITE_PIECE) continue;
        await writeAll(handle, Buffer.from(piece.join('')));
        piece = [];
        size = 0;
      }
      await writeAll(handle, Buffer.from(piece.join('')));
      await handle.close();
      return temp;
    } catch (err) {
      await handle.close().catch(() => {});
      await this.discard(temp);
      throw err;
    }
  }

  install(temp: string): Promise<void> {
    return rename(temp, this.path);
  }

  /** A snapshot not to be installed (or cut short by a full disk): removing it gives the space back. */
  async discard(temp: string): Promise<void> {
    await unlink(temp).catch(() => {});
  }
}
