/** A static VA number a customer keeps (`/openpayment/register`): any transfer into it is a payment. */
export interface OpenVa {
  kind: 'openVa';
  /** `<sourceOfFunds.type>/<paymentCode>`, as the check and delete paths name it. */
  id: string;
  merchantId: string;
  /** Canonical VA channel type (`vabca`, …). */
  channel: string;
  /** The number the gateway assigned (see the README's choices). */
  paymentCode: string;
  createdAt: number;
  /** Set by the delete API: transfers are refused from then on. */
  deletedAt?: number;
}
