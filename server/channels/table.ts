/** How a channel's initiate answers and which pages and callbacks it gets. */
export type Family = 'paylater';

export type PaidStatus = 'PAID' | 'CAPTURED';

export interface Channel {
  /** The canonical `sourceOfFunds.type`. */
  type: string;
  /** Other spellings real clients send for the same channel. */
  aliases: readonly string[];
  /** Shown on pages and in the dashboard. */
  name: string;
  family: Family;
  /** Extra JSON Schema in `schemas/channels/` that this channel's requests must also satisfy. */
  rules?: string;
  /** Link validity when the request has no `order.timeout`. */
  defaultExpiryMinutes: number;
  /** The status a successful payment ends in. */
  paidStatus: PaidStatus;
  /** Whether cancel is allowed while the order is still REQUEST_INITIATED. */
  cancellableWhileInitiated: boolean;
  /** `result.payment.channel` once paid (a bank code for VAs). */
  channelCode: string;
}

// Kredivo's sample link lives 15 minutes.
export const CHANNELS: readonly Channel[] = [
  {
    type: 'kredivo', aliases: [], name: 'Kredivo', family: 'paylater', rules: 'kredivo.json',
    defaultExpiryMinutes: 15, paidStatus: 'PAID', cancellableWhileInitiated: true, channelCode: 'KRDV',
  },
];

const byType = new Map<string, Channel>();
for (const channel of CHANNELS) {
  for (const name of [channel.type, ...channel.aliases]) byType.set(name, channel);
}

/** The channel for a `sourceOfFunds.type` (canonical or alias), if it exists. */
export function channelOf(type: string): Channel | undefined {
  return byType.get(type);
}

/** Every accepted `sourceOfFunds.type`, aliases included. */
export function acceptedTypes(): string[] {
  return [...byType.keys()];
}
