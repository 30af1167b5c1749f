/** The customer data an open VA is registered for (`customer` of register / update), as sent. */
export interface OpenVaCustomer {
  id?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  mobilePhone?: string;
}

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
  customer: OpenVaCustomer;
  /** Where each payment's callback goes; none was given, none is sent. */
  callbackUrl?: string;
  /** The scenario matched at register: its callback effects shape every payment's callback. */
  scenario?: string;
  /** Last register-with-new-data or update. */
  updatedAt?: number;
  /** A transfer a scenario (`effects.openVaTransfer`) scheduled on the virtual clock, until it arrives. */
  scheduledTransfer?: { at: number; amount: number };
  /** Set by the delete API: transfers are refused from then on. */
  deletedAt?: number;
}
