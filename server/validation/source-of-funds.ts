/**
 * `"sourceOfFunds": "vabca"` is read as `{"type": "vabca"}` before anything looks at the body: a merchant backend
 * that sends the plain string passed the real sandbox and runs in production (issue 13).
 */
export function withSourceOfFundsObject(body: Record<string, unknown>): Record<string, unknown> {
  return typeof body.sourceOfFunds === 'string' ? { ...body, sourceOfFunds: { type: body.sourceOfFunds } } : body;
}
