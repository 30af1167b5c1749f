import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | null | undefined;

/**
 * Asks V8 for one full collection, so the text a large data file was parsed from (as big as the file) is
 * returned to the system at start-up instead of whenever V8 next gets round to it. Best effort: a runtime
 * that refuses the flag simply keeps the memory a little longer.
 */
export function releaseStartupGarbage(): void {
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    } catch {
      collect = null;
    }
  }
  collect?.();
}
