// Scenario patterns run on every initiate, on the event loop: they must finish fast whatever they are given.
export const MAX_PATTERN_LENGTH = 200;
/** The longest value a pattern is run against (the longest field it can meet); longer ones are cut. */
export const MAX_MATCHED_LENGTH = 320;
// Tried at every start position, open-ended repeats cost n^(k+1) steps: a pattern anchored with ^ may have
// two (n² on a MAX_MATCHED_LENGTH value is a millisecond), an unanchored one only one (a*a*x costs 0.3 s).
const MAX_OPEN_REPEATS = 2;
// A bounded repeat wider than this is as costly as an open-ended one.
const WIDE_REPEAT = 16;

interface Group {
  /** Holds a quantifier that matches a varying number of times. */
  quantified: boolean;
  alternation: boolean;
}

/** The quantifier at `i` (`*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`, each maybe lazy): its length, whether it repeats, varies, or repeats widely. */
function quantifierAt(pattern: string, i: number): { length: number; repeats: boolean; variable: boolean; open: boolean } | null {
  const c = pattern[i];
  const lazy = (n: number) => (pattern[i + n] === '?' ? n + 1 : n);
  if (c === '*' || c === '+') return { length: lazy(1), repeats: true, variable: true, open: true };
  if (c === '?') return { length: lazy(1), repeats: false, variable: true, open: false };
  const braces = c === '{' ? /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i)) : null;
  if (!braces) return null;
  const min = Number(braces[1]);
  const max = braces[2] === undefined ? min : braces[3] === '' ? Infinity : Number(braces[3]);
  return { length: lazy(braces[0].length), repeats: max > 1, variable: max !== min, open: max - min > WIDE_REPEAT };
}

/**
 * Why `pattern` could take super-linear time (or null when it cannot): a conservative check that refuses
 * back-references, a repeated group holding a quantifier or an alternation ((a+)+, (a|a)*), more than two
 * open-ended repeats (more than one without a leading ^), and patterns longer than MAX_PATTERN_LENGTH.
 */
export function unsafePatternReason(pattern: string): string | null {
  if (pattern.length > MAX_PATTERN_LENGTH) return `is longer than ${MAX_PATTERN_LENGTH} characters`;
  const groups: Group[] = [{ quantified: false, alternation: false }];
  let openRepeats = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    let closed: Group | null = null;
    if (c === '\\') {
      if (!inClass && /^(\d|k<)/.test(pattern.slice(i + 1, i + 3)) && pattern[i + 1] !== '0') return 'uses a back-reference';
      i++;
    } else if (inClass) {
      if (c !== ']') continue;
      inClass = false;
    } else if (c === '[') {
      inClass = true;
      continue;
    } else if (c === '(') {
      groups.push({ quantified: false, alternation: false });
      continue;
    } else if (c === ')') {
      closed = groups.length > 1 ? groups.pop()! : null;
    } else if (c === '|') {
      groups.at(-1)!.alternation = true;
      continue;
    } else if (quantifierAt(pattern, i)) {
      continue;
    }
    const quantifier = quantifierAt(pattern, i + 1);
    if (!quantifier) {
      if (closed?.quantified) groups.at(-1)!.quantified = true;
      continue;
    }
    if (closed && quantifier.repeats && closed.quantified) return 'repeats a group that holds a quantifier, as in (a+)+';
    if (closed && quantifier.repeats && closed.alternation) return 'repeats a group that holds an alternation, as in (a|ab)*';
    if (quantifier.open && ++openRepeats > MAX_OPEN_REPEATS) return `has more than ${MAX_OPEN_REPEATS} open-ended repeats (*, +, {n,})`;
    if (quantifier.variable || closed?.quantified) groups.at(-1)!.quantified = true;
    i += quantifier.length;
  }
  const anchored = pattern.startsWith('^') && !groups[0]!.alternation;
  return openRepeats > 1 && !anchored ? 'has more than one open-ended repeat (*, +, {n,}) without a leading ^' : null;
}
