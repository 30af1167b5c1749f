import type { TextTable } from './texts.js';

/** Texts of the hosted page where the shopper picks a channel. */
export const PICKER_TEXT = {
  id: {
    heading: 'Pilih metode pembayaran',
    intro: 'Pilih cara Anda ingin membayar pesanan ini.',
    none: 'Tidak ada metode pembayaran yang tersedia untuk pesanan ini. Hubungi merchant.',
    current: 'dipilih',
    options: 'pilihan',
    card: 'Kartu kredit / debit',
    va: 'Transfer Virtual Account',
    qris: 'QRIS',
    wallet: 'E-wallet',
    paylater: 'PayLater',
    store: 'Gerai retail & kode bayar',
    ibank: 'Internet banking',
  },
  en: {
    heading: 'Choose a payment method',
    intro: 'Choose how you would like to pay for this order.',
    none: 'No payment method is available for this order. Please contact the merchant.',
    current: 'chosen',
    options: 'options',
    card: 'Credit / debit card',
    va: 'Virtual Account transfer',
    qris: 'QRIS',
    wallet: 'E-wallet',
    paylater: 'PayLater',
    store: 'Retail stores & pay codes',
    ibank: 'Internet banking',
  },
} as const satisfies TextTable;
