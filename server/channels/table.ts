import type { PaidStatus } from '../model/transaction.js';

/**
 * How a channel's initiate answers and which page the shopper gets:
 * card form, VA / pay code / retail instructions, QR, wallet app, provider web checkout via Finpay's link,
 * push to an app (no page), paylater checkout, internet banking, and the hosted channel picker.
 */
export type Family = 'card' | 'va' | 'paycode' | 'retail' | 'qris' | 'wallet' | 'webcheckout' | 'push' | 'paylater' | 'ibank' | 'hosted';

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
  /** `result.payment.channel` once paid (a bank code for VAs); null for cards, as in the docs' card sample. */
  channelCode: string | null;
  /** First digits of the 16-digit `paymentCode` (VA, pay code, retail). */
  codePrefix?: string;
  /** Whether real traffic shows that prefix (`observed`) or the simulator picked it (`chosen`); set with codePrefix. */
  prefixSource?: 'observed' | 'chosen';
  /** Deep link scheme the initiate answer adds as `appurl` (ShopeePay). */
  appScheme?: string;
  /** Brand colour of the provider's page: accents (borders, focus rings, the picker's dot, the light tint). */
  color: string;
  /** The brand colour under text (page header, main button): `color`, or a darker shade where `onSurface` fails on it. */
  surface: string;
  /** Text on `surface`: white, or dark ink on light brands; at least 4.5:1 (WCAG AA). */
  onSurface: string;
  /** Brand-coloured text on white and on the brand tint (amount, pay code, links): `surface` unless that is light. */
  textColor: string;
}

type Row = Omit<Channel, 'aliases' | 'defaultExpiryMinutes' | 'paidStatus' | 'cancellableWhileInitiated' | 'surface' | 'onSurface' | 'textColor'> & Partial<Channel>;

/** Dark text for light brand colours (orange, yellow, light blue), where white would fall under 4.5:1. */
const INK = '#1d2433';

// Defaults every row shares unless it says otherwise: no aliases, 1440 minutes (order.timeout's documented default), PAID,
// cancellable, a code prefix the simulator chose, and white text on the brand colour. Light brands set `onSurface: INK` and
// a darker `textColor`, mid-tone ones a darker `surface` (test/unit/channel-contrast.test.ts checks every pair).
function row(fields: Row): Channel {
  const prefix = fields.codePrefix === undefined ? {} : { prefixSource: 'chosen' as const };
  const surface = fields.surface ?? fields.color;
  const shades = { surface, onSurface: '#fff', textColor: surface };
  return { aliases: [], defaultExpiryMinutes: 1440, paidStatus: 'PAID', cancellableWhileInitiated: true, ...prefix, ...shades, ...fields };
}

// QRIS and e-wallets refuse cancel while initiated (4040100, observed live); Kredivo's sample link lives 15 minutes.
const NO_CANCEL = { cancellableWhileInitiated: false };

export const CHANNELS: readonly Channel[] = [
  row({ type: 'cc', name: 'Visa / Mastercard / JCB / AMEX', family: 'card', paidStatus: 'CAPTURED', channelCode: null, color: '#0b4ea2' }),

  // The docs' pay code sample is 8802700000076850.
  row({ type: 'finpaycode', name: 'Finpay Code', family: 'paycode', channelCode: 'FINPAY', codePrefix: '8802', prefixSource: 'observed', color: '#0b4ea2' }),
  row({ type: 'alfamart', name: 'Alfamart', family: 'retail', channelCode: 'ALFA', codePrefix: '8803', color: '#d71920' }),
  row({ type: 'idm', name: 'Indomaret', family: 'retail', channelCode: 'IDM', codePrefix: '8806', color: '#0054a6' }),
  row({ type: 'pospay', name: 'Pos Indonesia (Pospay)', family: 'retail', channelCode: 'POS', codePrefix: '8807', color: '#f26522', onSurface: INK, textColor: '#ba4e1a' }),

  // The captured real BCA callback's VA number starts 38337 (16 digits).
  row({ type: 'vabca', name: 'BCA Virtual Account', family: 'va', channelCode: '014', codePrefix: '38337', prefixSource: 'observed', color: '#0060af' }),
  row({ type: 'vabni', name: 'BNI Virtual Account', family: 'va', channelCode: '009', codePrefix: '9881', color: '#f15a23', surface: '#c1481c' }),
  row({ type: 'vabri', name: 'BRI Virtual Account', family: 'va', channelCode: '002', codePrefix: '2620', color: '#00529c' }),
  row({ type: 'vamandiri', name: 'Mandiri Virtual Account', family: 'va', channelCode: '008', codePrefix: '8902', color: '#003d79' }),
  row({ type: 'vapermata', name: 'Permata Virtual Account', family: 'va', channelCode: '013', codePrefix: '8625', color: '#0a8a3a', surface: '#098036' }),
  row({ type: 'vabsi', name: 'BSI Virtual Account', family: 'va', channelCode: '451', codePrefix: '9003', color: '#00a39d', onSurface: INK, textColor: '#007e79' }),
  row({ type: 'vabtn', name: 'BTN Virtual Account', family: 'va', channelCode: '200', codePrefix: '9600', color: '#1c3f94' }),
  row({ type: 'vabjb', name: 'BJB Virtual Account', family: 'va', channelCode: '110', codePrefix: '1100', color: '#00599c' }),
  row({ type: 'vabnc', name: 'BNC Virtual Account', family: 'va', channelCode: '490', codePrefix: '4900', color: '#f7941d', onSurface: INK, textColor: '#a36213' }),
  row({ type: 'vadki', name: 'Bank DKI Virtual Account', family: 'va', channelCode: '111', codePrefix: '1110', color: '#e31e24', surface: '#d81d22' }),
  row({ type: 'vamaybank', name: 'Maybank Virtual Account', family: 'va', channelCode: '016', codePrefix: '7822', color: '#c99700', onSurface: INK, textColor: '#8f6b00' }),
  row({ type: 'vamega', name: 'Bank Mega Virtual Account', family: 'va', channelCode: '426', codePrefix: '4260', color: '#f4a100', onSurface: INK, textColor: '#9a6500' }),
  row({ type: 'vamuamalat', name: 'Muamalat Virtual Account', family: 'va', channelCode: '147', codePrefix: '1470', color: '#5c2d91' }),
  row({ type: 'vanagari', name: 'Bank Nagari Virtual Account', family: 'va', channelCode: '118', codePrefix: '1180', color: '#007a3d' }),
  row({ type: 'vacimb', name: 'CIMB Niaga Virtual Account', family: 'va', channelCode: '022', codePrefix: '8049', color: '#b1001c' }),
  row({ type: 'vadanamon', name: 'Danamon Virtual Account', family: 'va', channelCode: '011', codePrefix: '7915', color: '#f58220', onSurface: INK, textColor: '#ab5b16' }),

  row({ type: 'qris', name: 'QRIS', family: 'qris', channelCode: 'QRIS', color: '#c8102e', ...NO_CANCEL }),

  row({ type: 'ovo', name: 'OVO', family: 'push', rules: 'ovo.json', channelCode: 'OVO', color: '#4c3494', ...NO_CANCEL }),
  row({ type: 'dana', name: 'DANA', family: 'wallet', rules: 'dana.json', channelCode: 'DANA', color: '#118eea', surface: '#0e73be', ...NO_CANCEL }),
  row({
    type: 'shopeepay', aliases: ['shopeepaylater'], name: 'ShopeePay', family: 'wallet', channelCode: 'SHOPEE', appScheme: 'shopeeid://main',
    color: '#ee4d2d', surface: '#c64025', ...NO_CANCEL,
  }),
  row({ type: 'linkaja', aliases: ['linkajaapplink'], name: 'LinkAja', family: 'wallet', rules: 'linkaja.json', channelCode: 'LINKAJ', color: '#e82529', surface: '#d52226', ...NO_CANCEL }),
  row({ type: 'linkajawco', aliases: ['linkajaweb'], name: 'LinkAja Web Checkout', family: 'webcheckout', channelCode: 'LINKAJ', color: '#e82529', surface: '#d52226', ...NO_CANCEL }),
  row({ type: 'jeniuspay', aliases: ['jenius'], name: 'Jenius Pay', family: 'wallet', channelCode: 'JENIUS', color: '#00a3e0', onSurface: INK, textColor: '#0077a4', ...NO_CANCEL }),
  row({ type: 'finpaymoney', name: 'Finpay Money', family: 'wallet', channelCode: 'FPMONY', color: '#0b4ea2', ...NO_CANCEL }),
  row({ type: 'virgo', name: 'Virgo', family: 'wallet', channelCode: 'VIRGO', color: '#7b3fe4', ...NO_CANCEL }),

  row({ type: 'kredivo', name: 'Kredivo', family: 'paylater', rules: 'kredivo.json', defaultExpiryMinutes: 15, channelCode: 'KRDV', color: '#f26f21', onSurface: INK, textColor: '#b55319' }),
  row({ type: 'indodana', name: 'Indodana PayLater', family: 'paylater', rules: 'indodana.json', channelCode: 'INDDN', color: '#1f56b3' }),
  row({ type: 'akulaku', name: 'Akulaku PayLater', family: 'paylater', rules: 'akulaku.json', channelCode: 'AKLK', color: '#e60012', surface: '#dd0011' }),

  row({ type: 'octoclicks', name: 'OCTO Clicks', family: 'ibank', channelCode: '022', color: '#b1001c' }),
  row({ type: 'permatanet', name: 'PermataNet', family: 'ibank', channelCode: '013', color: '#0a8a3a', surface: '#098036' }),
  row({ type: 'finpaybpd', name: 'Finpay BPD', family: 'ibank', channelCode: 'BPD', color: '#1d5fa8' }),
];

/** An order initiated without `sourceOfFunds`, until the shopper picks a channel on the hosted page. */
export const HOSTED: Channel = row({ type: 'hosted', name: 'Finpay Checkout', family: 'hosted', channelCode: null, color: '#0b4ea2' });

const byType = new Map<string, Channel>();
for (const channel of CHANNELS) {
  for (const name of [channel.type, ...channel.aliases]) byType.set(name, channel);
}

/** Every accepted `sourceOfFunds.type`, aliases included (not `hosted`: that is the absence of a type). */
export function acceptedTypes(): string[] {
  return [...byType.keys()];
}

/** The channel for a `sourceOfFunds.type` (canonical or alias) or a stored order's channel, if it exists. */
export function channelOf(type: string): Channel | undefined {
  return type === HOSTED.type ? HOSTED : byType.get(type);
}
