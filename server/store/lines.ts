import { open, type FileHandle } from 'node:fs/promises';

/** One line of a file read by `readLines`. */
export interface Line {
  /** The line's text, without its `\n`. */
  text: string;
  /** 1-based. */
  number: number;
  /** Byte offset just past this line (and its `\n`). */
  end: number;
  /** False for a last line the file ends in without a `\n`: a write that was cut off. */
  terminated: boolean;
}

/** Why a file's bytes cannot be lines of JSON; the message names the line. */
export class LineError extends Error {}

const CHUNK = 1 << 20;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function decode(bytes: Buffer, number: number, terminated = true): string {
  if (bytes.includes(0)) throw new LineError(`line ${number} holds NUL bytes (a zero-filled tail left by a crash or a cut copy)`);
  // A cut-off last line may end inside a character; it is dropped, not read.
  if (!terminated) return bytes.toString('utf8');
  try {
    return utf8.decode(bytes);
  } catch {
    throw new LineError(`line ${number} is not valid UTF-8`);
  }
}

/**
 * The lines of a file, read in 1 MB chunks so that a file of any size (past V8's ~512 MB string limit)
 * is read with memory bounded by its longest line. Throws `ENOENT` as is.
 */
export async function* readLines(path: string): AsyncGenerator<Line> {
  const handle = await open(path, 'r');
  try {
    let pending: Buffer[] = [];
    let pendingSize = 0;
    let offset = 0;
    let number = 0;
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, null);
      if (bytesRead === 0) break;
      let start = 0;
      for (let nl = buffer.indexOf(10, 0); nl !== -1 && nl < bytesRead; nl = buffer.indexOf(10, start)) {
        const piece = buffer.subarray(start, nl);
        const bytes = pendingSize === 0 ? piece : Buffer.concat([...pending, piece], pendingSize + piece.length);
        offset += bytes.length + 1;
        pending = [];
        pendingSize = 0;
        start = nl + 1;
        yield { text: decode(bytes, ++number), number, end: offset, terminated: true };
      }
      if (start < bytesRead) {
        // Copied: the read buffer is reused for the next chunk.
        pending.push(Buffer.from(buffer.subarray(start, bytesRead)));
        pendingSize += bytesRead - start;
      }
    }
    if (pendingSize > 0) {
      const bytes = Buffer.concat(pending, pendingSize);
      yield { text: decode(bytes, ++number, false), number, end: offset + bytes.length, terminated: false };
    }
  } finally {
    await handle.close();
  }
}

/** Writes all of `data`; a short write (a full disk, a file-size limit) is retried for the rest, which then fails with the reason. */
export async function writeAll(handle: FileHandle, data: Buffer): Promise<void> {
  for (let written = 0; written < data.length;) written += (await handle.write(data, written, data.length - written)).bytesWritten;
}
