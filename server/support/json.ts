/** A JSON object as received, read only. */
export type JsonObject = { readonly [key: string]: unknown };

/** The value when it is a JSON object (not null, not an array); parsed bodies are read through it instead of cast. */
export function objectOf(value: unknown): JsonObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : undefined;
}
