// In `u` mode a surrogate pair is one code point, so \p{Cs} matches only a surrogate standing alone.
const LONE_SURROGATE = /\p{Cs}/u;
// Keys of merchant objects can be long: a path names at most this many characters of each.
const SEGMENT_CHARS = 64;

function shown(key: string): string {
  // 2 × SEGMENT_CHARS code units always hold SEGMENT_CHARS whole code points (the key is well-formed).
  return key.length <= SEGMENT_CHARS ? key : Array.from(key.slice(0, 2 * SEGMENT_CHARS)).slice(0, SEGMENT_CHARS).join('');
}

/**
 * The path of the first string PHP's json_decode refuses ("Single unpaired UTF-16 surrogate"): one holding a
 * lone surrogate, which JSON can only carry as a `\ud800` escape. A key holding one is reported at its object.
 * Null when every string and key is well-formed, so each callback echoing the body can be verified in PHP.
 */
export function loneSurrogatePath(value: unknown, path: string[] = []): string[] | null {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? path : null;
  if (value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = loneSurrogatePath(value[i], [...path, String(i)]);
      if (found) return found;
    }
    return null;
  }
  for (const [key, child] of Object.entries(value)) {
    if (LONE_SURROGATE.test(key)) return path;
    const found = loneSurrogatePath(child, [...path, shown(key)]);
    if (found) return found;
  }
  return null;
}
