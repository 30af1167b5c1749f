// The one catalog of gateway answers: responseCode, HTTP status (its first three digits) and wording.
export const RESPONSE_CODES = {
  success: { code: '2000000', message: 'Success' },
  badRequest: { code: '4000000', message: 'Bad Request' },
  missingField: { code: '4000001', message: 'Invalid Mandatory Field' },
  invalidFormat: { code: '4000001', message: 'Invalid Field Format' },
  unauthorized: { code: '4010000', message: 'Unauthorized' },
  featureNotAllowed: { code: '4030001', message: 'Feature Not Allowed' },
  transactionNotPermitted: { code: '4030015', message: 'Transaction Not Permitted' },
  transactionNotFound: { code: '4040001', message: 'Transaction Not Found' },
  invalidAmount: { code: '4040013', message: 'Invalid Amount' },
  invalidTransactionStatus: { code: '4040100', message: 'Invalid Transaction Status' },
  notFound: { code: '4040000', message: 'Not Found' },
  methodNotAllowed: { code: '4050000', message: 'Method Not Allowed' },
  duplicateOrderId: { code: '4090001', message: 'Duplicate Order Id' },
  generalError: { code: '5000000', message: 'General Error' },
  timeout: { code: '5040000', message: 'Timeout' },
} as const satisfies Record<string, { code: string; message: string }>;

export type ResponseCodeName = keyof typeof RESPONSE_CODES;

/** The catalog wording for a responseCode, if the catalog has it. */
export function messageFor(responseCode: string): string | undefined {
  return Object.values(RESPONSE_CODES).find((entry) => entry.code === responseCode)?.message;
}

export function httpStatusOf(responseCode: string): number {
  const status = Number(responseCode.slice(0, 3));
  return status >= 100 && status <= 599 ? status : 500;
}

/** Why an answer is an error, kept for the request log and dashboard: the failed field and rule, and what was expected. */
export interface ErrorDetail {
  field?: string;
  rule?: string;
  /** The simulator's hint (X-Finnet-Mock-Hint, request log, terminal); never part of the gateway's message. */
  hint?: string;
}

/** A gateway answer that is not a success; thrown by handlers and rendered in the gateway's format. */
export class GatewayError extends Error {
  readonly responseCode: string;
  readonly status: number;
  readonly detail?: ErrorDetail;

  constructor(responseCode: string, responseMessage: string, detail?: ErrorDetail, status?: number) {
    super(responseMessage);
    this.responseCode = responseCode;
    this.status = status ?? httpStatusOf(responseCode);
    this.detail = detail;
  }

  static of(name: ResponseCodeName, reason?: string, detail?: ErrorDetail): GatewayError {
    const entry = RESPONSE_CODES[name];
    return new GatewayError(entry.code, reason ? `${entry.message}. ${reason}` : entry.message, detail);
  }

  /** The same answer with the simulator's hint of what was expected. */
  hinted(hint: string): GatewayError {
    return new GatewayError(this.responseCode, this.message, { ...this.detail, hint }, this.status);
  }
}

export function missingField(label: string, field: string, hint?: string): GatewayError {
  return new GatewayError(RESPONSE_CODES.missingField.code, `Invalid Mandatory Field ${label}`, { field, rule: 'required', hint });
}

export function invalidFormat(label: string, field: string, rule: string, hint?: string): GatewayError {
  return new GatewayError(RESPONSE_CODES.invalidFormat.code, `Invalid Field Format. The ${label} format is invalid`, { field, rule, hint });
}
