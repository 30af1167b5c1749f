import type { TextTable } from './texts.js';

/** Texts of the e-wallet pages (app or web checkout); `{brand}` is the wallet. */
export const WALLET_TEXT = {
  id: {
    heading: 'Bayar dengan {brand}',
    intro: 'Masuk ke akun {brand} Anda untuk menyetujui pembayaran ini.',
    account: 'Nomor HP',
    secret: 'PIN (6 digit)',
    pay: 'Bayar',
    testHint: 'Akun uji: nomor +62 apa pun dengan PIN 123456. Nomor berakhiran 0001 = saldo tidak cukup, 0002 = akun diblokir.',
    wrongSecret: 'Nomor HP atau PIN salah.',
    tooManySecrets: 'Terlalu banyak PIN yang salah. Transaksi dibatalkan demi keamanan.',
    badAccount: 'Nomor HP harus diawali +62 atau 08.',
    insufficientFunds: 'Saldo {brand} Anda tidak mencukupi untuk transaksi ini.',
    accountBlocked: 'Akun {brand} Anda diblokir. Hubungi layanan pelanggan {brand}.',
  },
  en: {
    heading: 'Pay with {brand}',
    intro: 'Sign in to your {brand} account to approve this payment.',
    account: 'Mobile number',
    secret: 'PIN (6 digits)',
    pay: 'Pay',
    testHint: 'Test accounts: any +62 number with PIN 123456. Numbers ending 0001 = insufficient balance, 0002 = account blocked.',
    wrongSecret: 'Wrong mobile number or PIN.',
    tooManySecrets: 'Too many wrong PINs. The transaction was stopped for your security.',
    badAccount: 'The mobile number must start with +62 or 08.',
    insufficientFunds: 'Your {brand} balance is not enough for this purchase.',
    accountBlocked: 'Your {brand} account is blocked. Please contact {brand} customer service.',
  },
} as const satisfies TextTable;

/** Texts of the internet-banking pages; same keys as the wallet's, for the same view. */
export const IBANK_TEXT = {
  id: {
    heading: 'Masuk ke {brand}',
    intro: 'Masuk ke internet banking Anda untuk menyetujui pembayaran ini.',
    account: 'User ID',
    secret: 'Kata sandi',
    pay: 'Setujui pembayaran',
    testHint: 'Akun uji: user ID apa pun dengan kata sandi 123456. User ID berakhiran 0001 = saldo tidak cukup, 0002 = akun diblokir.',
    wrongSecret: 'User ID atau kata sandi salah.',
    tooManySecrets: 'Terlalu banyak kata sandi yang salah. Transaksi dibatalkan demi keamanan.',
    badAccount: 'User ID terdiri dari 4–32 huruf atau angka.',
    insufficientFunds: 'Saldo rekening Anda tidak mencukupi untuk transaksi ini.',
    accountBlocked: 'Akses {brand} Anda diblokir. Hubungi bank Anda.',
  },
  en: {
    heading: 'Sign in to {brand}',
    intro: 'Sign in to your internet banking to approve this payment.',
    account: 'User ID',
    secret: 'Password',
    pay: 'Approve payment',
    testHint: 'Test accounts: any user ID with password 123456. User IDs ending 0001 = insufficient balance, 0002 = account blocked.',
    wrongSecret: 'Wrong user ID or password.',
    tooManySecrets: 'Too many wrong passwords. The transaction was stopped for your security.',
    badAccount: 'A user ID is 4–32 letters or digits.',
    insufficientFunds: 'Your account balance is not enough for this purchase.',
    accountBlocked: 'Your {brand} access is blocked. Please contact your bank.',
  },
} as const satisfies TextTable;
