export type Lang = 'id' | 'en';

export function langOf(value: unknown): Lang {
  return value === 'en' ? 'en' : 'id';
}

/** Texts of one page family in both languages; `{brand}` stands for the provider's name. */
export type TextTable = Record<Lang, Record<string, string>>;

/** What every checkout page shows: the frame, the order summary and the end states. */
export const COMMON_TEXT = {
  id: {
    title: '{brand} Checkout',
    sandbox: 'Simulasi finnet-mock — bukan {brand} asli',
    payTo: 'Pembayaran ke',
    total: 'Total pembayaran',
    expiresAt: 'Bayar sebelum',
    changeMethod: 'Ganti metode pembayaran',
    items: 'Rincian pesanan',
    qty: 'Jml',
    cancel: 'Batalkan',
    backToMerchant: 'Kembali ke merchant',
    giveUp: 'Batal / Kembali ke merchant',
    paidHeading: 'Pembayaran berhasil',
    paidBody: 'Terima kasih, pembayaran Anda sudah diterima.',
    failedHeading: 'Pembayaran gagal',
    cancelledBody: 'Anda membatalkan pembayaran ini.',
    expiredHeading: 'Link pembayaran kedaluwarsa',
    expiredBody: 'Batas waktu pembayaran sudah lewat. Silakan buat pesanan baru di merchant.',
    usedHeading: 'Link pembayaran sudah digunakan',
    usedBody: 'Transaksi ini sudah selesai diproses dengan status',
    attemptsLeft: 'Sisa percobaan:',
    unknownHeading: 'Link pembayaran tidak ditemukan',
    unknownBody: 'Link ini tidak valid. Periksa kembali link dari merchant.',
    sandboxTools: 'Alat sandbox',
    order: 'pesanan',
    otherLang: 'English',
  },
  en: {
    title: '{brand} Checkout',
    sandbox: 'finnet-mock simulation — not the real {brand}',
    payTo: 'Paying',
    total: 'Total payment',
    expiresAt: 'Pay before',
    changeMethod: 'Change payment method',
    items: 'Order details',
    qty: 'Qty',
    cancel: 'Cancel',
    backToMerchant: 'Back to merchant',
    giveUp: 'Cancel / Back to merchant',
    paidHeading: 'Payment successful',
    paidBody: 'Thank you, your payment has been received.',
    failedHeading: 'Payment failed',
    cancelledBody: 'You cancelled this payment.',
    expiredHeading: 'Payment link expired',
    expiredBody: 'The time to pay has passed. Please place a new order with the merchant.',
    usedHeading: 'Payment link already used',
    usedBody: 'This transaction has already been processed with status',
    attemptsLeft: 'Attempts left:',
    unknownHeading: 'Payment link not found',
    unknownBody: 'This link is not valid. Please check the link the merchant gave you.',
    sandboxTools: 'Sandbox tools',
    order: 'order',
    otherLang: 'Bahasa Indonesia',
  },
} as const satisfies TextTable;

export type Texts<P extends TextTable> = Record<keyof (typeof COMMON_TEXT)['id'] | keyof P['id'], string>;

/** The common texts plus a page family's, in one language, with the brand filled in. */
export function textsFor<P extends TextTable>(page: P, lang: Lang, brand: string): Texts<P> {
  const merged: Record<string, string> = { ...COMMON_TEXT[lang], ...page[lang] };
  for (const [key, text] of Object.entries(merged)) merged[key] = text.replaceAll('{brand}', brand);
  return merged as Texts<P>;
}
